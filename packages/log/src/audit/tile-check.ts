import { bytesEqual } from '@sigbox/core';
import { HASH_SIZE, type Tile, TILE_WIDTH, tileToBytes, tileWidth } from '@sigbox/merkle';
import { type LogDb, readTileRows } from '../storage.js';
import type { AuditProblem } from './audit-types.js';

type Problem = Omit<AuditProblem, 'tree'>;

/**
 * Compares rebuilt tiles with the stored ones, each stored tile once: a full tile must equal the rebuilt one, a
 * stored partial tile of width W the first W rebuilt hashes (an append-only tree only adds hashes on the right, and
 * `log_tiles` keeps the newest width). A stored tile wider than the rebuilt one waits for more entries; one the
 * integrated tree needs but the table lacks is missing. Tiles of a level are rebuilt in index order, so the last
 * index settled per level is all the state there is.
 */
export class TileCheck {
  /** Per level, the highest tile index settled (-1: none). */
  readonly settled: bigint[] = [];
  /** Stored tiles compared (malformed ones included). */
  compared = 0;

  constructor(
    private readonly db: LogDb,
    private readonly treeId: bigint,
    private readonly integratedSize: bigint,
    private readonly report: (problem: Problem) => void,
  ) {}

  async check(tiles: readonly Tile[]): Promise<void> {
    const open = tiles.filter((t) => t.index > (this.settled[t.level] ?? -1n));
    if (open.length === 0) return;
    const stored = new Map((await readTileRows(this.db, this.treeId, open)).map((r) => [`${r.level}/${r.index}`, r.hashes]));
    for (const tile of open) this.#checkOne(tile, stored.get(`${tile.level}/${tile.index}`));
  }

  #checkOne(tile: Tile, stored: Uint8Array | undefined): void {
    const { level, index } = tile;
    const width = tile.hashes.length;
    if (stored === undefined) {
      const needed = tileWidth(level, index, this.integratedSize);
      if (needed === 0 || width < needed) return; // beyond the integrated tree, or not rebuilt that far yet
      this.report({ code: 'TILE_MISSING', level, index, message: `tile ${level}/${index} (width ${needed}) is not stored` });
      this.#settle(level, index);
      return;
    }
    const storedWidth = stored.length / HASH_SIZE;
    if (!Number.isInteger(storedWidth) || storedWidth < 1 || storedWidth > TILE_WIDTH) {
      this.report({ code: 'TILE_MALFORMED', level, index, message: `tile ${level}/${index} holds ${stored.length} bytes, not 1..256 hashes` });
    } else if (storedWidth > width) {
      return; // the rebuild has not reached its width yet
    } else if (!bytesEqual(stored, tileToBytes({ level, index, hashes: tile.hashes.slice(0, storedWidth) }))) {
      this.report({ code: 'TILE_MISMATCH', level, index, message: `tile ${level}/${index} (width ${storedWidth}) differs from the one rebuilt from the entries` });
    }
    this.compared++;
    this.#settle(level, index);
  }

  #settle(level: number, index: bigint): void {
    while (this.settled.length <= level) this.settled.push(-1n);
    this.settled[level] = index;
  }
}
