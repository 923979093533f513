import { MerkleError } from './errors.js';
import { EMPTY_ROOT, defaultHasher, type Hasher } from './hasher.js';
import { rangeNodes } from './ranges.js';
import { toSafeInt } from './safe-int.js';
import { TILE_HEIGHT, TILE_WIDTH, type Tile, type TileReader } from './tile.js';
import { tileTree, treeNode } from './tile-tree.js';

/** Reads tree nodes out of injected tiles (reference merkle.md §2 `storedNode` and `hashRange`). */
export interface NodeReader {
  /** Perfect node (level, index); a view into tile data — copy before handing it out. */
  node(level: number, index: number): Uint8Array;
  /** MTH(D[a:b]) for an RFC-aligned range; may be a view (see `node`). */
  hashRange(a: number, b: number): Uint8Array;
}

export function createNodeReader(readTile: TileReader, hasher: Hasher = defaultHasher): NodeReader {
  // One proof touches a handful of tiles, each many times: remember the last tile read per level.
  const recent: Array<{ index: number; tile: Tile } | undefined> = [];

  function tileAt(level: number, index: number): Tile {
    const hit = recent[level];
    if (hit?.index === index) return hit.tile;
    const tile = readTile(level, BigInt(index));
    if (!tile) throw new MerkleError('MISSING_TILE', `tile ${level}/${index} was not provided`, { details: { level, index } });
    recent[level] = { index, tile };
    return tile;
  }

  function node(level: number, index: number): Uint8Array {
    const r = level % TILE_HEIGHT;
    const tileLevel = (level - r) / TILE_HEIGHT;
    const first = index * 2 ** r; // position of the node's leftmost hash in its tile row
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const pos = first - tileIndex * TILE_WIDTH;
    const tile = tileAt(tileLevel, tileIndex);
    if (tile.hashes.length < pos + 2 ** r) {
      throw new MerkleError('MISSING_TILE', `tile ${tileLevel}/${tileIndex} is too narrow for node ${level}/${index}`, {
        details: { level: tileLevel, index: tileIndex, width: tile.hashes.length },
      });
    }
    if (r === 0) return tile.hashes[pos] as Uint8Array;
    return treeNode(tileTree(tile.hashes, hasher), r, pos >> r);
  }

  function hashRange(a: number, b: number): Uint8Array {
    const ids = rangeNodes(a, b);
    let [level, index] = ids[ids.length - 1] as readonly [number, number];
    let acc = node(level, index);
    for (let i = ids.length - 2; i >= 0; i--) {
      [level, index] = ids[i] as readonly [number, number];
      acc = hasher.hashChildren(node(level, index), acc);
    }
    return acc;
  }

  return { node, hashRange };
}

/** MTH of the first `size` leaves, read from the tiles (the partial tile of every level suffices). */
export function rootFromTiles(size: bigint, readTile: TileReader, hasher: Hasher = defaultHasher): Uint8Array {
  const n = toSafeInt(size, 'size');
  if (n === 0) return new Uint8Array(EMPTY_ROOT);
  return new Uint8Array(createNodeReader(readTile, hasher).hashRange(0, n));
}
