import { encoding } from '@sigbox/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { consistencyProof } from './consistency.js';
import { hashChildren, hashLeaf } from './hasher.js';
import { inclusionProof } from './inclusion.js';
import { integrate } from './integrate.js';
import { createMemoryTileStore, type MemoryTileStore } from './memory-tiles.js';
import { rootFromTiles } from './node-reader.js';
import { tilesOfTree } from './tile.js';
import { isValidConsistency } from './verify-consistency.js';
import { isValidInclusion } from './verify-inclusion.js';

const MAX = 70_000; // crosses 65 536 = 256², where a second tile level completes
const LEAVES = Array.from({ length: MAX }, (_, i) => hashLeaf(encoding.utf8(`entry ${i}`)));
const hex = encoding.toHex;

// Naive RFC 6962 §2.1 MTH by direct recursion over the leaf hashes (memoised: subtrees recur across runs).
const memo = new Map<string, Uint8Array>();
function mth(a: number, b: number): Uint8Array {
  if (b - a === 1) return LEAVES[a] as Uint8Array;
  const key = `${a}:${b}`;
  let h = memo.get(key);
  if (!h) {
    let k = 1;
    while (k * 2 < b - a) k *= 2;
    h = hashChildren(mth(a, a + k), mth(a + k, b));
    memo.set(key, h);
  }
  return h;
}

/** Builds a tree of `size` leaves in the given batch sizes (the last batch takes the rest). */
function build(size: number, batches: readonly number[] = []): MemoryTileStore {
  const store = createMemoryTileStore();
  let at = 0;
  for (const n of [...batches, size]) {
    const end = Math.min(size, at + n);
    const result = integrate(BigInt(at), LEAVES.slice(at, end), store.readTile);
    expect(hex(result.root)).toBe(hex(end === 0 ? rootFromTiles(0n, store.readTile) : mth(0, end)));
    store.writeTiles(result.tiles);
    at = end;
  }
  return store;
}

const flip = (proof: Uint8Array[], at: number, bit: number) =>
  proof.map((h, i) => (i === at % proof.length ? h.map((b, j) => (j === (bit >> 3) % 32 ? b ^ (1 << (bit & 7)) : b)) : h));
const same = (a: Uint8Array[], b: Uint8Array[]) => a.length === b.length && a.every((h, i) => hex(h) === hex(b[i] as Uint8Array));
const small = fc.integer({ min: 1, max: 3000 });

describe('tile-built trees (properties)', () => {
  let big: MemoryTileStore;
  beforeAll(() => {
    big = build(MAX);
  });

  it('yields the naive MTH and identical tiles however the leaves are batched', () => {
    fc.assert(
      fc.property(small, fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 12 }), (size, batches) => {
        const batched = build(size, batches);
        const oneGo = build(size);
        for (const id of tilesOfTree(BigInt(size))) {
          const a = batched.readTile(id.level, id.index)?.hashes.map(hex);
          expect(a).toHaveLength(id.width);
          expect(a).toEqual(oneGo.readTile(id.level, id.index)?.hashes.map(hex));
        }
        expect(batched.count).toBe([...tilesOfTree(BigInt(size))].length);
      }),
      { numRuns: 60 },
    );
  });

  it('crosses the 65 536 boundary in few-leaf batches', () => {
    const base = build(65_500);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }), (batches) => {
        const store = createMemoryTileStore();
        let size = 65_500;
        const read = (l: number, i: bigint) => store.readTile(l, i) ?? base.readTile(l, i);
        for (const n of batches) {
          const result = integrate(BigInt(size), LEAVES.slice(size, size + n), read);
          store.writeTiles(result.tiles);
          size += n;
          expect(hex(result.root)).toBe(hex(mth(0, size)));
          expect(hex(rootFromTiles(BigInt(size), read))).toBe(hex(mth(0, size)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('builds inclusion proofs that verify, and fail once index, size or any bit is changed', () => {
    const sizes = fc.oneof(small, fc.integer({ min: 65_000, max: MAX }));
    const arb = sizes.chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: MAX }), fc.nat(), fc.nat(255)));
    fc.assert(
      fc.property(arb, ([n, i, other, n2, at, bit]) => {
        const [size, index, leaf, root] = [BigInt(n), BigInt(i), LEAVES[i] as Uint8Array, rootFromTiles(BigInt(n), big.readTile)];
        expect(hex(root)).toBe(hex(mth(0, n)));
        const proof = inclusionProof(index, size, big.readTile);
        expect(isValidInclusion(index, size, leaf, proof, root)).toBe(true);
        if (proof.length > 0) expect(isValidInclusion(index, size, leaf, flip(proof, at, bit), root)).toBe(false);
        expect(isValidInclusion(index, size, leaf, [...proof, root], root)).toBe(false);
        if (other !== i) expect(isValidInclusion(BigInt(other), size, leaf, proof, root)).toBe(false);
        // Another size with its own root accepts the proof only if it is exactly that size's proof.
        if (n2 > i && n2 !== n) {
          const expected = same(proof, inclusionProof(index, BigInt(n2), big.readTile));
          expect(isValidInclusion(index, BigInt(n2), leaf, proof, mth(0, n2))).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('builds consistency proofs that verify, and fail once a size or any bit is changed', () => {
    const arb = fc.tuple(fc.integer({ min: 1, max: MAX }), fc.integer({ min: 1, max: MAX })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: MAX }), fc.nat(), fc.nat(255), ([m, n], m2, at, bit) => {
        const [r1, r2] = [rootFromTiles(BigInt(m), big.readTile), rootFromTiles(BigInt(n), big.readTile)];
        const proof = consistencyProof(BigInt(m), BigInt(n), big.readTile);
        expect(isValidConsistency(BigInt(m), BigInt(n), proof, r1, r2)).toBe(true);
        if (proof.length > 0) expect(isValidConsistency(BigInt(m), BigInt(n), flip(proof, at, bit), r1, r2)).toBe(false);
        if (m2 !== m && m2 <= n) {
          const expected = same(proof, consistencyProof(BigInt(m2), BigInt(n), big.readTile));
          expect(isValidConsistency(BigInt(m2), BigInt(n), proof, mth(0, m2), r2)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
