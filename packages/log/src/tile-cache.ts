import { TILE_WIDTH, type Tile, type TileId, type TileReader, tileFromBytes, tileToBytes } from '@sigbox/merkle';
import { LogError } from './errors.js';
import type { TileRow } from './storage.js';

// 256 tiles: the top of a large tree plus the last ≈ 65,000 entries' level-0 tiles, ≈ 17 MiB held per tree (a full
// tile kept costs ≈ 58 KiB resident, 8 KiB of hashes and 256 views of them, and its memoised interior 8 KiB more).
// 4096 before let a log past a million entries hold ≈ 390 MiB per tree in tiles; a proof for an older entry now
// reads its level-0 tile again (one query for all its missing tiles), which a large log did anyway.
const DEFAULT_CAPACITY = 256;

/**
 * Tiles read for proofs, kept in memory. Any tile cut to a width is immutable (an append-only tree only adds
 * hashes to the right of a tile), so a cached tile serves every width up to its own, and only a request
 * wider than the cached version goes to the database.
 */
export interface TileCache {
  /** Reads `ids` (with the widths a tree size needs), fetching misses in one call to `fetch`. */
  read(ids: readonly TileId[], fetch: (missing: TileId[]) => Promise<TileRow[]>): Promise<Map<string, Tile>>;
  /** Tiles this process just committed (keeping their hash arrays, so their interior hashes stay memoised). */
  remember(tiles: readonly Tile[]): void;
  /**
   * The cached tile as it is, possibly wider than a given tree size needs — its lower hashes are the same at
   * every size — or undefined. One stable function: merkle's NodeReader keeps the range folds it computed per
   * tile reader, so every proof through `peek` shares them.
   */
  readonly peek: TileReader;
}

export function tileKey(level: number, index: bigint): string {
  return `${level}/${index}`;
}

/**
 * A full tile with its hashes in one buffer. Tiles a writer built (or cloned across from its thread) carry one
 * 32-byte buffer per hash, ≈ 98 KiB per tile held; a full tile never changes, so the one the cache keeps for good is
 * re-laid (≈ 58 KiB). Partial tiles are replaced within a round and keep their memoised interior.
 */
function compact(tile: Tile): Tile {
  const buffer = tile.hashes[0]?.buffer;
  return tile.hashes.every((h) => h.buffer === buffer) ? tile : tileFromBytes(tile.level, tile.index, tileToBytes(tile));
}

export function createTileCache(capacity = DEFAULT_CAPACITY): TileCache {
  const tiles = new Map<string, Tile>();

  function remember(tile: Tile): void {
    const key = tileKey(tile.level, tile.index);
    const cached = tiles.get(key);
    if (cached && cached.hashes.length > tile.hashes.length) return;
    tiles.delete(key);
    tiles.set(key, tile.hashes.length === TILE_WIDTH ? compact(tile) : tile);
    if (tiles.size > capacity) tiles.delete(tiles.keys().next().value as string);
  }

  function cut(tile: Tile, width: number): Tile {
    return tile.hashes.length === width ? tile : { level: tile.level, index: tile.index, hashes: tile.hashes.slice(0, width) };
  }

  return {
    remember: (fresh) => fresh.forEach(remember),
    peek: (level, index) => tiles.get(tileKey(level, index)),
    async read(ids, fetch) {
      const out = new Map<string, Tile>();
      const missing: TileId[] = [];
      for (const id of ids) {
        const key = tileKey(id.level, id.index);
        const hit = tiles.get(key);
        if (hit && hit.hashes.length >= id.width) {
          // Least recently used out: the upper tiles every proof reads stay while old level-0 tiles come and go.
          tiles.delete(key);
          tiles.set(key, hit);
          out.set(key, cut(hit, id.width));
        } else missing.push(id);
      }
      if (missing.length === 0) return out;
      const rows = new Map((await fetch(missing)).map((r) => [tileKey(r.level, r.index), r]));
      for (const id of missing) {
        const row = rows.get(tileKey(id.level, id.index));
        const tile = row && tileFromBytes(row.level, row.index, row.hashes);
        if (!tile || tile.hashes.length < id.width) {
          throw new LogError('CORRUPT_STATE', `tile ${id.level}/${id.index} is missing or narrower than ${id.width}`);
        }
        remember(tile);
        out.set(tileKey(id.level, id.index), cut(tile, id.width));
      }
      return out;
    },
  };
}
