import { bytesEqual } from '@sigbox/core';
import { MerkleError } from './errors.js';
import { defaultHasher, type Hasher } from './hasher.js';
import { requireHash, succeeds, walkPath } from './verify-path.js';

function checkSizes(size1: bigint, size2: bigint): void {
  // 0 → anything (0 → 0 included) proves nothing: transparency-dev/merkle `proof/verify.go` rejects it.
  if (size1 <= 0n || size1 > size2) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `consistency needs 0 < size1 ≤ size2, got ${size1} and ${size2}`, {
      details: { size1: String(size1), size2: String(size2) },
    });
  }
}

/** The pair of roots (old, new) a consistency proof leads to, per RFC 9162 §2.1.4.2 (size1 < size2). */
function rootsFromProof(size1: bigint, size2: bigint, proof: readonly Uint8Array[], root1: Uint8Array, hasher: Hasher): [Uint8Array, Uint8Array] {
  // When size1 is a power of two the old tree is a left subtree of the new one and its root starts the chain.
  const chain = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : proof;
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = chain[0] as Uint8Array;
  const sr = walkPath(fn, sn, fr, chain.slice(1), hasher, 'consistency', (node) => {
    fr = hasher.hashChildren(node, fr);
  });
  return [fr, sr];
}

/**
 * Verifies that the tree of `size2` leaves (root2) extends the tree of `size1` leaves (root1), per RFC 9162
 * §2.1.4.2 with transparency-dev/merkle's edge cases: equal sizes need an empty proof and equal roots (no
 * length check there). Throws MerkleError (INDEX_OUT_OF_RANGE, INVALID_PROOF, INVALID_HASH, ROOT_MISMATCH).
 */
export function verifyConsistency(size1: bigint, size2: bigint, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array, hasher: Hasher = defaultHasher): void {
  checkSizes(size1, size2);
  if (size1 === size2) {
    if (proof.length > 0) throw new MerkleError('INVALID_PROOF', 'equal tree sizes need an empty consistency proof');
    if (!bytesEqual(root1, root2)) throw new MerkleError('ROOT_MISMATCH', 'equal tree sizes with different roots');
    return;
  }
  if (proof.length === 0) throw new MerkleError('INVALID_PROOF', 'consistency proof is empty');
  requireHash(root1, 'root1', 'INVALID_HASH');
  requireHash(root2, 'root2', 'INVALID_HASH');
  proof.forEach((p, i) => requireHash(p, `proof hash ${i}`, 'INVALID_PROOF'));
  const [fr, sr] = rootsFromProof(size1, size2, proof, root1, hasher);
  if (!bytesEqual(fr, root1)) throw new MerkleError('ROOT_MISMATCH', 'consistency proof does not lead to root1');
  if (!bytesEqual(sr, root2)) throw new MerkleError('ROOT_MISMATCH', 'consistency proof does not lead to root2');
}

/** `verifyConsistency` as a boolean: false for any MerkleError. */
export function isValidConsistency(size1: bigint, size2: bigint, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array, hasher: Hasher = defaultHasher): boolean {
  return succeeds(() => verifyConsistency(size1, size2, proof, root1, root2, hasher));
}
