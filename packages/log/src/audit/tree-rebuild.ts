import { type Tile, integrate } from '@sigbox/merkle';

const key = (level: number, index: bigint) => `${level}/${index}`;

/**
 * Rebuilds a tree from its leaf hashes in index order with merkle's pure `integrate`, keeping only the right edge
 * (the newest tile of each level: what the next append reads) — memory is one tile per level whatever the size.
 * The tiles an append completes or grows are collected until `takeTiles()`, so a caller can compare a whole batch
 * of them with the stored ones in one read.
 */
export class TreeRebuild {
  #size = 0n;
  #root: Uint8Array | undefined;
  readonly #edge = new Map<number, Tile>();
  /** Tiles touched since the last takeTiles(), newest version of each. */
  #touched = new Map<string, Tile>();

  get size(): bigint {
    return this.#size;
  }

  /** Appends leaf hashes; returns the root at the new size. */
  append(leafHashes: readonly Uint8Array[]): Uint8Array {
    const edge = this.#edge;
    const result = integrate(this.#size, leafHashes, (level, index) => {
      const tile = edge.get(level);
      return tile?.index === index ? tile : undefined;
    });
    // integrate lists a growing tile once per step; the last listing is its newest version.
    for (const tile of result.tiles) {
      edge.set(tile.level, tile);
      this.#touched.set(key(tile.level, tile.index), tile);
    }
    this.#size = result.size;
    this.#root = result.root;
    return result.root;
  }

  /** The root at the current size (undefined before the first append). */
  get root(): Uint8Array | undefined {
    return this.#root;
  }

  /** The tiles touched since the last call, each at its newest width, ordered by level then index. */
  takeTiles(): Tile[] {
    const tiles = [...this.#touched.values()].sort((a, b) => a.level - b.level || (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
    this.#touched = new Map();
    return tiles;
  }
}

