import { MerkleError } from './errors.js';
import { defaultHasher, type Hasher } from './hasher.js';
import { NodeReader } from './node-reader.js';
import { inclusionRanges, tilesForRanges } from './ranges.js';
import { toSafeInt } from './safe-int.js';
import type { TileId, TileReader } from './tile.js';

function checkedArgs(index: bigint, size: bigint): [number, number] {
  const n = toSafeInt(size, 'size');
  const m = toSafeInt(index, 'index');
  if (m >= n) throw new MerkleError('INDEX_OUT_OF_RANGE', `index ${m} is not below tree size ${n}`, { details: { index: m, size: n } });
  return [m, n];
}

/**
 * RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size` leaves, built from tiles read
 * through `readTile` (prefetch `inclusionProofTiles(index, size)`). Hashes are ordered leaf → root and are
 * fresh copies. Verify it against the checkpoint you return (conventions: verify what you emit).
 */
export function inclusionProof(index: bigint, size: bigint, readTile: TileReader, hasher: Hasher = defaultHasher): Uint8Array[] {
  const [m, n] = checkedArgs(index, size);
  const reader = new NodeReader(readTile, hasher);
  return inclusionRanges(m, n).map(([a, b]) => reader.hashRange(a, b));
}

/** The tiles (with widths at `size`) that `inclusionProof(index, size, …)` reads. */
export function inclusionProofTiles(index: bigint, size: bigint): TileId[] {
  const [m, n] = checkedArgs(index, size);
  return tilesForRanges(inclusionRanges(m, n), n);
}
