import { MerkleError } from './errors.js';
import { defaultHasher, type Hasher } from './hasher.js';
import { NodeReader } from './node-reader.js';
import { consistencyRanges, tilesForRanges } from './ranges.js';
import { toSafeInt } from './safe-int.js';
import type { TileId, TileReader } from './tile.js';

function checkedArgs(size1: bigint, size2: bigint): [number, number] {
  const n = toSafeInt(size2, 'size2');
  const m = toSafeInt(size1, 'size1');
  // A proof from the empty tree proves nothing; Rekor and transparency-dev/merkle reject size1 = 0.
  if (m === 0 || m > n) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `consistency needs 0 < size1 ≤ size2, got ${m} and ${n}`, { details: { size1: m, size2: n } });
  }
  return [m, n];
}

/**
 * RFC 9162 §2.1.4.1 consistency proof between tree sizes `size1` and `size2` (empty when equal), built from
 * tiles of the tree at `size2` (prefetch `consistencyProofTiles(size1, size2)`). Hashes are fresh copies.
 */
export function consistencyProof(size1: bigint, size2: bigint, readTile: TileReader, hasher: Hasher = defaultHasher): Uint8Array[] {
  const [m, n] = checkedArgs(size1, size2);
  const reader = new NodeReader(readTile, hasher);
  return consistencyRanges(m, n).map(([a, b]) => reader.hashRange(a, b));
}

/** The tiles (with widths at `size2`) that `consistencyProof(size1, size2, …)` reads. */
export function consistencyProofTiles(size1: bigint, size2: bigint): TileId[] {
  const [m, n] = checkedArgs(size1, size2);
  return tilesForRanges(consistencyRanges(m, n), n);
}
