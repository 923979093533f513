import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, createNodeHasher, hashChildren, hashLeaf } from './hasher.js';

const hex = encoding.toHex;
const sha256 = (...parts: Uint8Array[]) => hex(crypto.createHash('sha256').update(Buffer.concat(parts)).digest());

describe('RFC 6962 hashing', () => {
  it('has the empty-tree root SHA-256("")', () => {
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes leaves with a 0x00 prefix (transparency-dev/merkle NodeHashes leaf 0 and 1)', () => {
    expect(hex(hashLeaf(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    expect(hex(hashLeaf(encoding.fromHex('00')))).toBe('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
  });

  it('hashes nodes with a 0x01 prefix (root of size 2)', () => {
    const root = hashChildren(hashLeaf(new Uint8Array()), hashLeaf(encoding.fromHex('00')));
    expect(hex(root)).toBe('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
  });

  it('agrees with a plain createHash for small, large and odd-sized inputs', () => {
    for (const n of [0, 1, 31, 4096, 4097, 100_000]) {
      const data = crypto.randomBytes(n);
      expect(hex(hashLeaf(data))).toBe(sha256(Uint8Array.of(0), data));
    }
    const [a, b] = [crypto.randomBytes(32), crypto.randomBytes(32)];
    expect(hex(hashChildren(a, b))).toBe(sha256(Uint8Array.of(1), a, b));
    // Non-32-byte children must not be squeezed through the fixed 65-byte scratch buffer.
    const [c, d] = [crypto.randomBytes(20), crypto.randomBytes(48)];
    expect(hex(hashChildren(c, d))).toBe(sha256(Uint8Array.of(1), c, d));
  });

  it('returns hashes that never alias its scratch buffers', () => {
    const hasher = createNodeHasher();
    const [a, b, c] = [crypto.randomBytes(32), crypto.randomBytes(32), crypto.randomBytes(32)];
    const first = hasher.hashChildren(a, b);
    const kept = hex(first);
    const leaf = hasher.hashLeaf(a);
    const keptLeaf = hex(leaf);
    // Further hashing rewrites the scratch buffers; earlier results must be unaffected.
    hasher.hashChildren(c, c);
    hasher.hashLeaf(c);
    expect(hex(first)).toBe(kept);
    expect(hex(leaf)).toBe(keptLeaf);
    expect(first.buffer).not.toBe(hasher.hashChildren(a, b).buffer);
    // Results may be used as inputs to the next hash (as a right-edge fold does).
    expect(hex(hasher.hashChildren(first, first))).toBe(sha256(Uint8Array.of(1), first, first));
  });

  it('hashes 32-byte children on the specialised path exactly as node:crypto does, views included', () => {
    const hasher = createNodeHasher();
    for (let i = 0; i < 2_000; i++) {
      const backing = crypto.randomBytes(70);
      // Tiles hand out hashes as views into one buffer; the offset must be honoured.
      const [a, b] = [backing.subarray(1, 33), backing.subarray(38, 70)];
      expect(hex(hasher.hashChildren(a, b))).toBe(sha256(Uint8Array.of(1), a, b));
    }
  });
});
