import { MerkleError } from './errors.js';
import { EMPTY_ROOT, defaultHasher, type Hasher } from './hasher.js';
import { rangeNodes } from './ranges.js';
import { bitLength, toSafeInt } from './safe-int.js';
import { TILE_HEIGHT, TILE_WIDTH, type Tile, type TileReader } from './tile.js';
import { tileTree, treeNode } from './tile-tree.js';

// MTH(D[a:b]) never changes once b leaves exist (append-only), so the right-edge folds that every proof at one
// tree size repeats are kept per tile reader — a reader reads one tree. Bounded: a few sizes' worth of edges.
const RANGE_CACHE_LIMIT = 512;
const rangeCaches = new WeakMap<TileReader, Map<string, Uint8Array>>();

function rangeCacheFor(readTile: TileReader): Map<string, Uint8Array> {
  let cache = rangeCaches.get(readTile);
  if (!cache) rangeCaches.set(readTile, (cache = new Map()));
  return cache;
}

/**
 * Reads tree nodes out of injected tiles. A perfect subtree is one stored node (`node`); any other range MTH(D[a:b])
 * is folded from the perfect subtrees it splits into, as the RFC 6962 §2.1 recursion does (`hashRange`). `node` may
 * return a tile's own hash array (read-only, internal use); `hashRange` returns arrays the caller owns.
 */
export class NodeReader {
  // One proof touches a handful of tiles, each many times: remember the last tile read per level.
  readonly #recent: Array<Tile | undefined> = [];
  readonly #recentIndex: number[] = [];

  constructor(
    private readonly readTile: TileReader,
    private readonly hasher: Hasher = defaultHasher,
  ) {}

  #tile(level: number, index: number): Tile {
    if (this.#recentIndex[level] === index) return this.#recent[level] as Tile;
    const tile = this.readTile(level, BigInt(index));
    if (!tile) throw new MerkleError('MISSING_TILE', `tile ${level}/${index} was not provided`, { details: { level, index } });
    this.#recent[level] = tile;
    this.#recentIndex[level] = index;
    return tile;
  }

  /** Perfect node (level, index): a tile hash when level is a multiple of 8, else from the tile's interior. */
  node(level: number, index: number): Uint8Array {
    const r = level % TILE_HEIGHT;
    const first = index * (1 << r); // position of the node's leftmost hash in its tile row
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const pos = first - tileIndex * TILE_WIDTH;
    const tile = this.#tile((level - r) / TILE_HEIGHT, tileIndex);
    if (tile.hashes.length < pos + (1 << r)) {
      throw new MerkleError('MISSING_TILE', `tile ${(level - r) / TILE_HEIGHT}/${tileIndex} is too narrow for node ${level}/${index}`, {
        details: { level: (level - r) / TILE_HEIGHT, index: tileIndex, width: tile.hashes.length },
      });
    }
    if (r === 0) return tile.hashes[pos] as Uint8Array;
    return treeNode(tileTree(tile.hashes, this.hasher), r, pos >> r);
  }

  /** MTH(D[a:b]) for an RFC-aligned range, as a fresh array: its perfect subtrees folded from the right. */
  hashRange(a: number, b: number): Uint8Array {
    const n = b - a;
    const height = bitLength(n) - 1;
    // Proof elements are mostly perfect subtrees: read them without listing a decomposition.
    if (n === 2 ** height) {
      const hash = this.node(height, a / n);
      return height % TILE_HEIGHT === 0 ? copyHash(hash) : hash; // interior nodes are already copies
    }
    const cache = rangeCacheFor(this.readTile);
    const key = `${a}:${b}`;
    const cached = cache.get(key);
    if (cached) return copyHash(cached);
    const ids = rangeNodes(a, b);
    let [level, index] = ids[ids.length - 1] as readonly [number, number];
    let acc = this.node(level, index);
    for (let i = ids.length - 2; i >= 0; i--) {
      [level, index] = ids[i] as readonly [number, number];
      acc = this.hasher.hashChildren(this.node(level, index), acc);
    }
    if (cache.size >= RANGE_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, copyHash(acc));
    return acc;
  }
}

/** A fresh plain copy: `slice()` would return a view for a Buffer a tile reader may have supplied. */
function copyHash(hash: Uint8Array): Uint8Array {
  const out = new Uint8Array(hash.length);
  out.set(hash);
  return out;
}

/** MTH of the first `size` leaves, read from the tiles (the partial tile of every level suffices). */
export function rootFromTiles(size: bigint, readTile: TileReader, hasher: Hasher = defaultHasher): Uint8Array {
  const n = toSafeInt(size, 'size');
  if (n === 0) return new Uint8Array(EMPTY_ROOT);
  return new NodeReader(readTile, hasher).hashRange(0, n);
}
