import { describe, expect, it } from 'vitest';
import { hashLeaf } from './hasher.js';
import { inclusionProof } from './inclusion.js';
import { integrate } from './integrate.js';
import { createMemoryTileStore } from './memory-tiles.js';
import { rootFromTiles } from './node-reader.js';
import { isValidInclusion } from './verify-inclusion.js';

const leaf = (i: number) => hashLeaf(new TextEncoder().encode(`leaf ${i}`));

describe('right-edge range cache', () => {
  it('keeps proofs right while one reader’s tree grows, and never hands out its own arrays', () => {
    const store = createMemoryTileStore();
    let size = 0n;
    for (const batch of [300, 1, 700, 257, 4000]) {
      const result = integrate(size, Array.from({ length: batch }, (_, i) => leaf(Number(size) + i)), store.readTile);
      store.writeTiles(result.tiles);
      size = result.size;
      const root = rootFromTiles(size, store.readTile);
      expect(root).toEqual(result.root);
      for (const index of [0n, size / 3n, size - 2n, size - 1n]) {
        if (index < 0n) continue;
        const proof = inclusionProof(index, size, store.readTile);
        expect(isValidInclusion(index, size, leaf(Number(index)), proof, root)).toBe(true);
        // Mutating what we were given must not poison the next proof of the same range.
        for (const h of proof) h.fill(0);
        const again = inclusionProof(index, size, store.readTile);
        expect(isValidInclusion(index, size, leaf(Number(index)), again, root)).toBe(true);
      }
    }
  });
});
