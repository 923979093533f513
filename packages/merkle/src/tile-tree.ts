import { HASH_SIZE, type Hasher } from './hasher.js';
import { TILE_HEIGHT, TILE_WIDTH } from './tile.js';

/**
 * The interior of one tile: the perfect-subtree hashes at heights 1..8 above its hashes, packed into one buffer
 * (rows of 128, 64, …, 1 slots; 8160 bytes). Nodes at a tree level 8·L + r with r ≠ 0, which C2SP tlog-tiles does
 * not store (tiles hold levels 0, 8, 16, …), are read from here instead of being rehashed per proof. Only complete
 * subtrees (within `width`) are valid.
 */
export interface TileTree {
  width: number;
  readonly nodes: Uint8Array;
}

const INTERIOR_SLOTS = TILE_WIDTH - 1;
// Memo keyed by a tile's (immutable) hashes array: pure caching, invisible in results, collected with the tile.
const memo = new WeakMap<readonly Uint8Array[], TileTree>();

/** Byte offset of the subtree of height r (1..8) at position j within its row. */
function offset(r: number, j: number): number {
  return (TILE_WIDTH - (TILE_WIDTH >> (r - 1)) + j) * HASH_SIZE;
}

/** A fresh copy of an interior node (one allocation, as a view would cost; nobody can alias tile memory). */
export function treeNode(tree: TileTree, r: number, j: number): Uint8Array {
  const at = offset(r, j);
  return tree.nodes.slice(at, at + HASH_SIZE);
}

/** The tile's own root (height 8) — only meaningful once the tile is full. */
export function treeRoot(tree: TileTree): Uint8Array {
  return treeNode(tree, TILE_HEIGHT, 0);
}

/** Hashes interior nodes completed by `hashes[tree.width..]`, bottom-up, one new node per completed pair. */
export function extendTree(tree: TileTree, hashes: readonly Uint8Array[], hasher: Hasher): void {
  for (let p = tree.width; p < hashes.length; p++) {
    let node = hashes[p] as Uint8Array;
    for (let r = 1, j = p; (j & 1) === 1; r++) {
      // A view, not a copy: hashChildren copies its inputs into scratch before the next write to `nodes`.
      const left = r === 1 ? (hashes[j - 1] as Uint8Array) : tree.nodes.subarray(offset(r - 1, j - 1), offset(r - 1, j - 1) + HASH_SIZE);
      node = hasher.hashChildren(left, node);
      j >>= 1;
      tree.nodes.set(node, offset(r, j));
    }
  }
  tree.width = hashes.length;
}

/** The memoised interior of `hashes`, computed or extended on demand. */
export function tileTree(hashes: readonly Uint8Array[], hasher: Hasher): TileTree {
  let tree = memo.get(hashes);
  if (!tree || tree.width > hashes.length) {
    tree = { width: 0, nodes: new Uint8Array(INTERIOR_SLOTS * HASH_SIZE) };
    memo.set(hashes, tree);
  }
  if (tree.width < hashes.length) extendTree(tree, hashes, hasher);
  return tree;
}

/**
 * Starts the interior of a new hashes array that shares its first `width` hashes with `from`'s (appending to
 * a partial tile); the copy leaves `from` untouched for readers still holding the old tile.
 */
export function forkTree(hashes: readonly Uint8Array[], from?: TileTree): TileTree {
  const tree: TileTree = from
    ? { width: Math.min(from.width, hashes.length), nodes: from.nodes.slice() }
    : { width: 0, nodes: new Uint8Array(INTERIOR_SLOTS * HASH_SIZE) };
  memo.set(hashes, tree);
  return tree;
}
