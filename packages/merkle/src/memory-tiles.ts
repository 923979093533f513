import type { Tile, TileReader } from './tile.js';

/** An in-memory tile store: the latest tile per (level, index). For tests, benchmarks and small tools. */
export interface MemoryTileStore {
  readonly readTile: TileReader;
  /** Stores tiles, replacing older (narrower) versions of the same level and index. */
  writeTiles(tiles: readonly Tile[]): void;
  /** Number of distinct (level, index) tiles held. */
  readonly count: number;
}

export function createMemoryTileStore(): MemoryTileStore {
  // One Map per level keyed by the index: cheaper than composite string keys on hot proof paths.
  const levels: Array<Map<bigint, Tile>> = [];
  const level = (l: number): Map<bigint, Tile> => (levels[l] ??= new Map());
  return {
    readTile: (l, index) => levels[l]?.get(index),
    writeTiles(tiles) {
      for (const t of tiles) level(t.level).set(t.index, t);
    },
    get count() {
      return levels.reduce((n, m) => n + m.size, 0);
    },
  };
}
