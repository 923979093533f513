import { bytesEqual } from '@sigbox/core';
import { MerkleError } from './errors.js';
import { defaultHasher, type Hasher } from './hasher.js';
import { requireHash, succeeds, walkPath } from './verify-path.js';

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
  return walkPath(index, size - 1n, leafHash, proof, hasher, 'inclusion');
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
