import { bytesEqual } from '@sigbox/core';
import { MerkleError } from './errors.js';
import { HASH_SIZE, defaultHasher, type Hasher } from './hasher.js';

/** Throws unless `hash` is a 32-byte hash; transparency-dev/merkle rejects any other length. */
export function requireHash(hash: Uint8Array, what: string, code: 'INVALID_HASH' | 'INVALID_PROOF'): void {
  if (hash.length !== HASH_SIZE) throw new MerkleError(code, `${what} is ${hash.length} bytes, not ${HASH_SIZE}`);
}

/**
 * The root an inclusion proof leads to, per RFC 9162 §2.1.3.2. Indices are bigint throughout: `index` and
 * `size` come from clients and may be any uint64 (sigstore-js `tlog/merkle.ts`: parse defensively).
 */
export function rootFromInclusionProof(index: bigint, size: bigint, leafHash: Uint8Array, proof: readonly Uint8Array[], hasher: Hasher = defaultHasher): Uint8Array {
  if (index < 0n || index >= size) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `index ${index} is not below tree size ${size}`, { details: { index: String(index), size: String(size) } });
  }
  requireHash(leafHash, 'leaf hash', 'INVALID_HASH');
  proof.forEach((p, i) => requireHash(p, `proof hash ${i}`, 'INVALID_PROOF'));
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) throw new MerkleError('INVALID_PROOF', 'inclusion proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
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
  if (sn !== 0n) throw new MerkleError('INVALID_PROOF', 'inclusion proof is too short');
  return r;
}

/** Verifies an RFC 9162 inclusion proof; throws MerkleError (INDEX_OUT_OF_RANGE, INVALID_*, ROOT_MISMATCH). */
export function verifyInclusion(index: bigint, size: bigint, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array, hasher: Hasher = defaultHasher): void {
  requireHash(root, 'root', 'INVALID_HASH');
  const computed = rootFromInclusionProof(index, size, leafHash, proof, hasher);
  if (!bytesEqual(computed, root)) throw new MerkleError('ROOT_MISMATCH', 'inclusion proof does not lead to the expected root');
}

/** `verifyInclusion` as a boolean: false for any MerkleError, other errors propagate. */
export function isValidInclusion(index: bigint, size: bigint, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array, hasher: Hasher = defaultHasher): boolean {
  return succeeds(() => verifyInclusion(index, size, leafHash, proof, root, hasher));
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
