import { MerkleError } from './errors.js';
import { HASH_SIZE, type Hasher } from './hasher.js';

/** Throws unless `hash` is a 32-byte hash; transparency-dev/merkle rejects any other length. */
export function requireHash(hash: Uint8Array, what: string, code: 'INVALID_HASH' | 'INVALID_PROOF'): void {
  if (hash.length !== HASH_SIZE) throw new MerkleError(code, `${what} is ${hash.length} bytes, not ${HASH_SIZE}`);
}

/**
 * Hashes `start`, the node at index `fn` of a level whose last index is `sn`, up the tree with each node of `path`
 * — the walk RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) share — and returns the root it reaches.
 * `onLeftSibling` sees each path node that lies to the left, which a consistency proof also hashes into the old
 * root. A path of the wrong length for (fn, sn) throws `<proof> proof is too long/short`.
 */
export function walkPath(fn: bigint, sn: bigint, start: Uint8Array, path: readonly Uint8Array[], hasher: Hasher, proof: string, onLeftSibling?: (node: Uint8Array) => void): Uint8Array {
  let r = start;
  for (const p of path) {
    if (sn === 0n) throw new MerkleError('INVALID_PROOF', `${proof} proof is too long`);
    if ((fn & 1n) === 1n || fn === sn) {
      onLeftSibling?.(p);
      r = hasher.hashChildren(p, r);
      // Right-edge node with no right sibling: skip the levels where it is promoted unchanged.
      if ((fn & 1n) === 0n) {
        do {
          fn >>= 1n;
          sn >>= 1n;
        } while ((fn & 1n) === 0n && fn !== 0n);
      }
    } else {
      r = hasher.hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new MerkleError('INVALID_PROOF', `${proof} proof is too short`);
  return r;
}

/** Runs a verifier; MerkleError means "invalid", anything else is a bug and is rethrown. */
export function succeeds(verify: () => void): boolean {
  try {
    verify();
    return true;
  } catch (err) {
    if (err instanceof MerkleError) return false;
    throw err;
  }
}
