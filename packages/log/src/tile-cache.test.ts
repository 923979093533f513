import crypto from 'node:crypto';
import { TILE_WIDTH, type Tile, tileToBytes } from '@sigbox/merkle';
import { describe, expect, it } from 'vitest';
import type { TileRow } from './storage.js';
import { createTileCache } from './tile-cache.js';

/** A tile as a writer builds it: one 32-byte buffer per hash. */
const builtTile = (level: number, index: bigint, width = TILE_WIDTH): Tile => ({
  level,
  index,
  hashes: Array.from({ length: width }, () => new Uint8Array(crypto.randomBytes(32))),
});

const id = (tile: Tile) => ({ level: tile.level, index: tile.index, width: tile.hashes.length });

/** A fetch from a "database" of tiles, counting the tiles it was asked for. */
function storeOf(tiles: readonly Tile[]) {
  const asked: string[] = [];
  const fetch = async (missing: ReadonlyArray<{ level: number; index: bigint }>): Promise<TileRow[]> => {
    asked.push(...missing.map((m) => `${m.level}/${m.index}`));
    return tiles.filter((t) => missing.some((m) => m.level === t.level && m.index === t.index)).map((t) => ({ level: t.level, index: t.index, hashes: tileToBytes(t) }));
  };
  return { asked, fetch };
}

describe('createTileCache', () => {
  it('keeps a full tile with its hashes in one buffer, same hashes; a partial tile as it came', () => {
    const cache = createTileCache(8);
    const full = builtTile(0, 0n);
    const partial = builtTile(0, 1n, 17);
    cache.remember([full, partial]);
    const kept = cache.peek(0, 0n) as Tile;
    expect(new Set(kept.hashes.map((h) => h.buffer)).size).toBe(1);
    expect(Buffer.from(tileToBytes(kept)).equals(Buffer.from(tileToBytes(full)))).toBe(true);
    expect(cache.peek(0, 1n)).toBe(partial);
  });

  it('evicts the least recently used tile beyond its capacity: a read keeps a tile in', async () => {
    const tiles = [0n, 1n, 2n].map((i) => builtTile(0, i));
    const { asked, fetch } = storeOf(tiles);
    const cache = createTileCache(2);
    cache.remember([tiles[0] as Tile, tiles[1] as Tile]);
    await cache.read([id(tiles[0] as Tile)], fetch); // 0 is now the most recently used
    cache.remember([tiles[2] as Tile]);
    expect(cache.peek(0, 1n)).toBeUndefined();
    expect(cache.peek(0, 0n)).toBeDefined();
    expect(asked).toEqual([]);
    await cache.read([id(tiles[1] as Tile), id(tiles[2] as Tile)], fetch);
    expect(asked).toEqual(['0/1']);
  });

  it('serves a narrower width from a wider cached tile, and fetches a wider one', async () => {
    const wide = builtTile(1, 0n, 40);
    const { asked, fetch } = storeOf([builtTile(1, 0n, 60)]);
    const cache = createTileCache(4);
    cache.remember([wide]);
    const narrow = await cache.read([{ level: 1, index: 0n, width: 10 }], fetch);
    expect(narrow.get('1/0')?.hashes).toHaveLength(10);
    const wider = await cache.read([{ level: 1, index: 0n, width: 60 }], fetch);
    expect(wider.get('1/0')?.hashes).toHaveLength(60);
    expect(asked).toEqual(['1/0']);
  });
});
