import { MerkleError } from './errors.js';
import { HASH_SIZE } from './hasher.js';

/** C2SP tlog-tiles: each tile spans 8 tree levels... */
export const TILE_HEIGHT = 8;
/** ...so a full tile holds 2^8 = 256 hashes (8192 bytes on the wire). */
export const TILE_WIDTH = 256;

/** Address of a hash tile: tile level L (tree level 8·L), tile index, and width (256 = full, 1..255 = partial). */
export interface TileId {
  level: number;
  index: bigint;
  width: number;
}

/**
 * A hash tile as Sigbox passes it around: `hashes[i]` (32 bytes each, 1..256 of them; width = length) is the
 * hash at tree level 8·level, index index·256 + i, i.e. MTH of leaves [(index·256+i)·256^level, +256^level)
 * (C2SP tlog-tiles). Tiles and their hash arrays are immutable once made: integrate() builds new ones, and
 * internal subtree hashes are memoised per `hashes` array. `tileToBytes`/`tileFromBytes` give the packed
 * wire/storage form (concatenated hashes).
 */
export interface Tile {
  level: number;
  index: bigint;
  hashes: readonly Uint8Array[];
}

/** Injected, synchronous read of a tile the caller fetched beforehand; undefined when it has none. */
export type TileReader = (level: number, index: bigint) => Tile | undefined;

const HEIGHT = BigInt(TILE_HEIGHT);
const WIDTH_MASK = BigInt(TILE_WIDTH - 1);

/** Width of the partial tile at `level` for tree size `size`: floor(size / 256^level) mod 256, 0 if none. */
export function partialTileWidth(level: number, size: bigint): number {
  return Number((size >> (BigInt(level) * HEIGHT)) & WIDTH_MASK);
}

/** Width of tile (level, index) in a tree of `size`: 256, the partial width, or 0 when it does not exist yet. */
export function tileWidth(level: number, index: bigint, size: bigint): number {
  const full = size >> (BigInt(level + 1) * HEIGHT);
  if (index < full) return TILE_WIDTH;
  return index === full ? partialTileWidth(level, size) : 0;
}

/**
 * Every tile a tree of `size` consists of, level by level (full tiles then the partial one). Lazy: a large tree has
 * millions of tiles. Example (C2SP tlog-tiles v0.1.0, Partial Tiles): 70 000 → 273 full level-0 tiles + .p/112,
 * level 1: one full + .p/17, level 2: .p/1.
 */
export function* tilesOfTree(size: bigint): Generator<TileId> {
  for (let level = 0; size >> (BigInt(level) * HEIGHT) > 0n; level++) {
    const full = size >> (BigInt(level + 1) * HEIGHT);
    for (let index = 0n; index < full; index++) yield { level, index, width: TILE_WIDTH };
    const width = partialTileWidth(level, size);
    if (width > 0) yield { level, index: full, width };
  }
}

/** The tlog-tiles body of a tile: its hashes concatenated. */
export function tileToBytes(tile: Tile): Uint8Array {
  const out = new Uint8Array(tile.hashes.length * HASH_SIZE);
  tile.hashes.forEach((h, i) => out.set(h, i * HASH_SIZE));
  return out;
}

/**
 * Parses a tile body (1..256 hashes of 32 bytes). The hashes are views into one private copy, independent of
 * `bytes`: a separate 32-byte buffer per hash costs ≈ 380 bytes each (a backing store of its own), so a tile of them
 * held ≈ 98 KiB for 8 KiB of hashes (bench/memory/README.md); tiles are immutable, so sharing the copy is safe.
 */
export function tileFromBytes(level: number, index: bigint, bytes: Uint8Array): Tile {
  const width = bytes.length / HASH_SIZE;
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new MerkleError('INVALID_TILE', `tile body of ${bytes.length} bytes is not 1..256 hashes`);
  }
  const copy = new Uint8Array(bytes);
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < width; i++) hashes.push(copy.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return { level, index, hashes };
}
