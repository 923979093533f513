import { MerkleError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, defaultHasher, type Hasher } from './hasher.js';
import { NodeReader } from './node-reader.js';
import { toSafeInt } from './safe-int.js';
import { TILE_HEIGHT, TILE_WIDTH, partialTileWidth, type Tile, type TileId, type TileReader } from './tile.js';
import { extendTree, forkTree, tileTree, treeRoot } from './tile-tree.js';

/** What `integrate` produced: the new tree size and root, and every tile that is new or grew. */
export interface IntegrateResult {
  size: bigint;
  root: Uint8Array;
  /** New full tiles and the new partial tiles (replacing older partials of the same level and index). */
  tiles: Tile[];
}

/**
 * The tiles `integrate(size, …)` reads: the partial tile of each level at `size` (the right edge of the
 * tree). Fetch them in one query and serve them through the reader.
 */
export function tilesNeededForAppend(size: bigint): TileId[] {
  const out: TileId[] = [];
  for (let level = 0; size >> BigInt(level * TILE_HEIGHT) > 0n; level++) {
    const width = partialTileWidth(level, size);
    if (width > 0) out.push({ level, index: size >> BigInt((level + 1) * TILE_HEIGHT), width });
  }
  return out;
}

/**
 * Appends hashes at one tile level starting at row position `count`; returns the roots of the tiles it
 * completed, which are the hashes to append one tile level up.
 */
function appendLevel(level: number, count: number, add: readonly Uint8Array[], readTile: TileReader, hasher: Hasher, out: Tile[]): Uint8Array[] {
  let index = Math.floor(count / TILE_WIDTH);
  const pos = count - index * TILE_WIDTH;
  let hashes: Uint8Array[] = [];
  let tree = forkTree(hashes);
  if (pos > 0) {
    const existing = readTile(level, BigInt(index));
    if (!existing || existing.hashes.length < pos) {
      throw new MerkleError('MISSING_TILE', `partial tile ${level}/${index} (width ≥ ${pos}) was not provided`, { details: { level, index, width: pos } });
    }
    hashes = existing.hashes.slice(0, pos);
    tree = forkTree(hashes, tileTree(existing.hashes, hasher));
  }
  const roots: Uint8Array[] = [];
  for (let k = 0; k < add.length; ) {
    const end = Math.min(add.length, k + TILE_WIDTH - hashes.length);
    while (k < end) hashes.push(add[k++] as Uint8Array);
    extendTree(tree, hashes, hasher);
    out.push({ level, index: BigInt(index), hashes });
    if (hashes.length === TILE_WIDTH) {
      roots.push(treeRoot(tree));
      index++;
      hashes = [];
      tree = forkTree(hashes);
    }
  }
  return roots;
}

/**
 * Appends `leafHashes` to a tree of `size` leaves, as tessera's `storage/internal/integrate.go` does: pure,
 * with the right-edge tiles (`tilesNeededForAppend(size)`) read through `readTile`. Works for any batch,
 * including empty ones and ones crossing tile boundaries at several levels. Leaf hashes are copied.
 *
 * @example
 * const { size, root, tiles } = integrate(0n, [hashLeaf(utf8('a'))], () => undefined);
 */
export function integrate(size: bigint, leafHashes: readonly Uint8Array[], readTile: TileReader, hasher: Hasher = defaultHasher): IntegrateResult {
  const from = toSafeInt(size, 'size');
  const to = toSafeInt(size + BigInt(leafHashes.length), 'new size');
  // One copy of the batch, viewed per leaf: callers may reuse their arrays, and one allocation beats n.
  const packed = new Uint8Array(leafHashes.length * HASH_SIZE);
  const leaves = leafHashes.map((h, i) => {
    if (h.length !== HASH_SIZE) throw new MerkleError('INVALID_HASH', `leaf hash ${i} is not ${HASH_SIZE} bytes`);
    packed.set(h, i * HASH_SIZE);
    return packed.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  });
  const tiles: Tile[] = [];
  let add: readonly Uint8Array[] = leaves;
  for (let level = 0, count = from; add.length > 0; level++, count = Math.floor(count / TILE_WIDTH)) {
    add = appendLevel(level, count, add, readTile, hasher, tiles);
  }
  const latest = new Map(tiles.map((t) => [`${t.level}/${t.index}`, t]));
  const overlay: TileReader = (level, index) => latest.get(`${level}/${index}`) ?? readTile(level, index);
  const root = to === 0 ? new Uint8Array(EMPTY_ROOT) : new NodeReader(overlay, hasher).hashRange(0, to);
  return { size: BigInt(to), root, tiles };
}
