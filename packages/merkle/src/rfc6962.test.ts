import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { consistencyProof } from './consistency.js';
import { hashLeaf } from './hasher.js';
import { inclusionProof } from './inclusion.js';
import { integrate } from './integrate.js';
import { createMemoryTileStore } from './memory-tiles.js';
import { rootFromTiles } from './node-reader.js';
import { verifyConsistency } from './verify-consistency.js';
import { verifyInclusion } from './verify-inclusion.js';

// The RFC 6962 test inputs and the roots of sizes 1..8: transparency-dev/merkle testonly/constants.go LeafInputs()
// and RootHashes() at v0.0.2.
const INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leaves = INPUTS.map((h) => hashLeaf(encoding.fromHex(h)));
const hex = (hashes: Uint8Array[]) => hashes.map(encoding.toHex);

/** The RFC tree grown one leaf at a time; each size's tiles kept in its own snapshot store. */
function growOneByOne() {
  const store = createMemoryTileStore();
  const roots: string[] = [];
  let size = 0n;
  for (const leaf of leaves) {
    const result = integrate(size, [leaf], store.readTile);
    store.writeTiles(result.tiles);
    size = result.size;
    roots.push(encoding.toHex(result.root));
  }
  return { store, roots };
}

describe('RFC 6962 test vectors (transparency-dev/merkle testonly)', () => {
  it('integrate yields the published roots for sizes 1..8, leaf by leaf', () => {
    expect(growOneByOne().roots).toEqual(ROOTS);
  });

  it('rootFromTiles reads the same roots from a tree built in one batch', () => {
    const store = createMemoryTileStore();
    store.writeTiles(integrate(0n, leaves, store.readTile).tiles);
    const roots = ROOTS.map((_, i) => encoding.toHex(rootFromTiles(BigInt(i + 1), store.readTile)));
    expect(roots).toEqual(ROOTS);
  });

  it('builds the listed inclusion proofs and they verify', () => {
    const { store } = growOneByOne();
    const expectProof = (index: number, size: number, want: string[]) => {
      const proof = inclusionProof(BigInt(index), BigInt(size), store.readTile);
      expect(hex(proof)).toEqual(want);
      verifyInclusion(BigInt(index), BigInt(size), leaves[index] as Uint8Array, proof, encoding.fromHex(ROOTS[size - 1] as string));
    };
    expectProof(2, 5, [
      '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expectProof(0, 8, [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('builds the listed consistency proofs and they verify', () => {
    const { store } = growOneByOne();
    const root = (n: number) => encoding.fromHex(ROOTS[n - 1] as string);
    const cases: Array<[number, number, string[]]> = [
      [1, 8, hex(inclusionProof(0n, 8n, store.readTile))],
      [4, 8, ['6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [
        3,
        7,
        [
          '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
          '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
          'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
          '837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e',
        ],
      ],
    ];
    for (const [m, n, want] of cases) {
      const proof = consistencyProof(BigInt(m), BigInt(n), store.readTile);
      expect(hex(proof)).toEqual(want);
      verifyConsistency(BigInt(m), BigInt(n), proof, root(m), root(n));
    }
    expect(consistencyProof(5n, 5n, store.readTile)).toEqual([]);
  });
});
