import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { hashNode32 } from './sha256-node.js';

const hex = encoding.toHex;
/** The reference: node:crypto over the literal RFC 6962 node message 0x01 ‖ left ‖ right. */
const reference = (left: Uint8Array, right: Uint8Array) => hex(crypto.hash('sha256', Buffer.concat([Uint8Array.of(1), left, right]), 'buffer'));

describe('hashNode32', () => {
  it('matches the RFC 6962 root of size 2 (leaf hashes of "" and 0x00)', () => {
    const left = encoding.fromHex('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const right = encoding.fromHex('96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7');
    expect(hex(hashNode32(left, right))).toBe('fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125');
  });

  it('agrees with node:crypto on 5,000 random pairs', () => {
    for (let i = 0; i < 5_000; i++) {
      const [left, right] = [crypto.randomBytes(32), crypto.randomBytes(32)];
      expect(hex(hashNode32(left, right))).toBe(reference(left, right));
    }
  });

  it('agrees for every value of the last byte, which selects the precomputed second-block schedule', () => {
    const left = crypto.randomBytes(32);
    for (let byte = 0; byte < 256; byte++) {
      const right = crypto.randomBytes(32);
      right[31] = byte;
      expect(hex(hashNode32(left, right))).toBe(reference(left, right));
    }
  });

  it('agrees on the bit-pattern extremes (all zeros, all ones, one child reused as both)', () => {
    const [zeros, ones] = [new Uint8Array(32), new Uint8Array(32).fill(0xff)];
    for (const [l, r] of [[zeros, zeros], [ones, ones], [zeros, ones], [ones, zeros]] as const) {
      expect(hex(hashNode32(l, r))).toBe(reference(l, r));
    }
  });

  it('reads children that are views at an offset into a larger buffer (as tiles hold them)', () => {
    const backing = crypto.randomBytes(101);
    const [left, right] = [backing.subarray(3, 35), backing.subarray(69, 101)];
    expect(hex(hashNode32(left, right))).toBe(reference(left, right));
  });

  it('returns a fresh array each time and leaves its inputs unchanged', () => {
    const [left, right] = [crypto.randomBytes(32), crypto.randomBytes(32)];
    const [l0, r0] = [hex(left), hex(right)];
    const first = hashNode32(left, right);
    const kept = hex(first);
    const second = hashNode32(right, left);
    expect(second.buffer).not.toBe(first.buffer);
    expect(hex(first)).toBe(kept);
    expect([hex(left), hex(right)]).toEqual([l0, r0]);
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first.length).toBe(32);
  });

  it('refuses children that are not 32 bytes instead of reading past them', () => {
    expect(() => hashNode32(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => hashNode32(new Uint8Array(32), new Uint8Array(33))).toThrow(RangeError);
  });
});
