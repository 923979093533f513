import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, hashLeaf } from './hasher.js';
import { inclusionProof } from './inclusion.js';
import { integrate, tilesNeededForAppend } from './integrate.js';
import { createMemoryTileStore } from './memory-tiles.js';
import { rootFromTiles } from './node-reader.js';
import type { Tile, TileId, TileReader } from './tile.js';
import { verifyInclusion } from './verify-inclusion.js';
import { errorCode } from './__fixtures__/error-code.js';

const leaves = (from: number, count: number) => Array.from({ length: count }, (_, i) => hashLeaf(encoding.utf8(`leaf ${from + i}`)));
const ids = (tiles: readonly Tile[]) => tiles.map((t) => `${t.level}/${t.index}/${t.hashes.length}`);
function treeOf(size: number) {
  const store = createMemoryTileStore();
  store.writeTiles(integrate(0n, leaves(0, size), store.readTile).tiles);
  return store;
}

/** A reader that serves only the listed tiles, as storage would after prefetching exactly those. */
function onlyTiles(read: TileReader, wanted: readonly TileId[]): TileReader {
  return (level, index) => {
    if (!wanted.some((t) => t.level === level && t.index === index)) throw new Error(`unexpected read ${level}/${index}`);
    return read(level, index);
  };
}

describe('integrate', () => {
  it('starts from the empty tree', () => {
    const result = integrate(0n, [], () => undefined);
    expect(result).toEqual({ size: 0n, root: EMPTY_ROOT, tiles: [] });
    expect(result.root).not.toBe(EMPTY_ROOT);
  });

  it('returns new full tiles and new partials when a batch crosses 65 536 leaves', () => {
    const store = treeOf(65_530);
    const result = integrate(65_530n, leaves(65_530, 10), onlyTiles(store.readTile, tilesNeededForAppend(65_530n)));
    expect(result.size).toBe(65_540n);
    expect(ids(result.tiles)).toEqual(['0/255/256', '0/256/4', '1/0/256', '2/0/1']);
    expect(result.root).toEqual(rootFromTiles(65_540n, treeOf(65_540).readTile));
  });

  it('reads only the right-edge tiles, also for an empty batch', () => {
    expect(tilesNeededForAppend(0n)).toEqual([]);
    expect(tilesNeededForAppend(65_536n)).toEqual([{ level: 2, index: 0n, width: 1 }]);
    expect(tilesNeededForAppend(70_000n)).toEqual([
      { level: 0, index: 273n, width: 112 },
      { level: 1, index: 1n, width: 17 },
      { level: 2, index: 0n, width: 1 },
    ]);
    const store = treeOf(70_000);
    const result = integrate(70_000n, [], onlyTiles(store.readTile, tilesNeededForAppend(70_000n)));
    expect(result.tiles).toEqual([]);
    expect(result.root).toEqual(rootFromTiles(70_000n, store.readTile));
  });

  it('fails with MISSING_TILE when the partial tile is absent or too narrow', () => {
    const store = treeOf(300);
    expect(errorCode(() => integrate(300n, leaves(300, 1), () => undefined))).toBe('MISSING_TILE');
    expect(errorCode(() => integrate(301n, leaves(301, 1), store.readTile))).toBe('MISSING_TILE');
    expect(errorCode(() => rootFromTiles(301n, store.readTile))).toBe('MISSING_TILE');
  });

  it('rejects leaf hashes that are not 32 bytes and sizes it cannot address', () => {
    expect(errorCode(() => integrate(0n, [new Uint8Array(31)], () => undefined))).toBe('INVALID_HASH');
    expect(errorCode(() => integrate(-1n, [], () => undefined))).toBe('INDEX_OUT_OF_RANGE');
    expect(errorCode(() => integrate(2n ** 53n, [], () => undefined))).toBe('SIZE_TOO_LARGE');
  });

  it('never lets later appends or callers change earlier tiles, leaves or proofs', () => {
    const store = createMemoryTileStore();
    const batch = leaves(0, 5);
    const first = integrate(0n, batch, store.readTile);
    store.writeTiles(first.tiles);
    const snapshot = first.tiles[0] as Tile;
    const before = snapshot.hashes.map(encoding.toHex);
    batch[0]?.fill(0); // the caller reuses its buffers
    store.writeTiles(integrate(5n, leaves(5, 300), store.readTile).tiles);
    expect(snapshot.hashes.map(encoding.toHex)).toEqual(before);
    const proof = inclusionProof(0n, 5n, (l, i) => (l === 0 && i === 0n ? snapshot : undefined));
    proof[0]?.fill(0xff); // proofs are copies, not views into tile memory
    const again = inclusionProof(0n, 5n, (l, i) => (l === 0 && i === 0n ? snapshot : undefined));
    verifyInclusion(0n, 5n, leaves(0, 1)[0] as Uint8Array, again, first.root);
  });
});
