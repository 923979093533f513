import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { hashLeaf } from './hasher.js';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion.js';
import { isValidConsistency, verifyConsistency } from './verify-consistency.js';
import { errorCode } from './__fixtures__/error-code.js';

// The RFC 6962 test tree (transparency-dev/merkle testonly/constants.go at v0.0.2): leaves 0..4, and the inclusion
// proof of index 2 in size 5 built from its NodeHashes() — leaf 3, MTH of leaves 0–1, leaf 4.
const leaf2 = hashLeaf(encoding.fromHex('10'));
const proof25 = [
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
].map(encoding.fromHex);
const root5 = encoding.fromHex('4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4');
const root4 = encoding.fromHex('d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7');
const root8 = encoding.fromHex('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
const proof48 = [encoding.fromHex('6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4')];

describe('verifyInclusion error codes', () => {
  it('accepts the valid proof and reports the root it leads to', () => {
    expect(errorCode(() => verifyInclusion(2n, 5n, leaf2, proof25, root5))).toBe('no error');
    expect(rootFromInclusionProof(2n, 5n, leaf2, proof25)).toEqual(root5);
  });

  it.each([
    ['index = size', () => verifyInclusion(5n, 5n, leaf2, proof25, root5), 'INDEX_OUT_OF_RANGE'],
    ['negative index', () => verifyInclusion(-1n, 5n, leaf2, proof25, root5), 'INDEX_OUT_OF_RANGE'],
    ['uint64 max index', () => verifyInclusion(2n ** 64n - 1n, 5n, leaf2, proof25, root5), 'INDEX_OUT_OF_RANGE'],
    ['proof too long', () => verifyInclusion(2n, 5n, leaf2, [...proof25, root5], root5), 'INVALID_PROOF'],
    ['proof too short', () => verifyInclusion(2n, 5n, leaf2, proof25.slice(0, 2), root5), 'INVALID_PROOF'],
    ['short proof hash', () => verifyInclusion(2n, 5n, leaf2, [proof25[0]!.subarray(1), ...proof25.slice(1)], root5), 'INVALID_PROOF'],
    ['short leaf hash', () => verifyInclusion(2n, 5n, leaf2.subarray(1), proof25, root5), 'INVALID_HASH'],
    ['short root', () => verifyInclusion(2n, 5n, leaf2, proof25, root5.subarray(1)), 'INVALID_HASH'],
    ['wrong root', () => verifyInclusion(2n, 5n, leaf2, proof25, root4), 'ROOT_MISMATCH'],
    ['wrong index', () => verifyInclusion(3n, 5n, leaf2, proof25, root5), 'ROOT_MISMATCH'],
  ])('%s', (_, fn, want) => {
    expect(errorCode(fn)).toBe(want);
  });
});

describe('verifyConsistency error codes', () => {
  it('accepts 4 → 8 and equal sizes with equal roots', () => {
    expect(errorCode(() => verifyConsistency(4n, 8n, proof48, root4, root8))).toBe('no error');
    expect(errorCode(() => verifyConsistency(5n, 5n, [], root5, root5))).toBe('no error');
    // No hash-length check for equal sizes (transparency-dev/merkle), only byte equality.
    expect(isValidConsistency(1n, 1n, [], new Uint8Array(3), new Uint8Array(3))).toBe(true);
  });

  it.each([
    ['size1 = 0', () => verifyConsistency(0n, 8n, proof48, root4, root8), 'INDEX_OUT_OF_RANGE'],
    ['0 → 0', () => verifyConsistency(0n, 0n, [], root4, root4), 'INDEX_OUT_OF_RANGE'],
    ['size1 > size2', () => verifyConsistency(8n, 4n, proof48, root8, root4), 'INDEX_OUT_OF_RANGE'],
    ['equal sizes, non-empty proof', () => verifyConsistency(4n, 4n, proof48, root4, root4), 'INVALID_PROOF'],
    ['equal sizes, different roots', () => verifyConsistency(4n, 4n, [], root4, root5), 'ROOT_MISMATCH'],
    ['empty proof', () => verifyConsistency(4n, 8n, [], root4, root8), 'INVALID_PROOF'],
    ['proof too long', () => verifyConsistency(4n, 8n, [...proof48, root4], root4, root8), 'INVALID_PROOF'],
    ['short proof hash', () => verifyConsistency(4n, 8n, [proof48[0]!.subarray(1)], root4, root8), 'INVALID_PROOF'],
    ['short root1', () => verifyConsistency(4n, 8n, proof48, root4.subarray(1), root8), 'INVALID_HASH'],
    ['wrong root1', () => verifyConsistency(4n, 8n, proof48, root5, root8), 'ROOT_MISMATCH'],
    ['wrong root2', () => verifyConsistency(4n, 8n, proof48, root4, root5), 'ROOT_MISMATCH'],
  ])('%s', (_, fn, want) => {
    expect(errorCode(fn)).toBe(want);
  });
});
