import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToP1363, p1363ToDer } from './ecdsa-signature.js';
import { CoreError } from './error.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ECDSA signature encodings', () => {
  it.each([
    ['P-256', 32],
    ['P-384', 48],
    ['P-521', 66],
  ] as const)('converts %s signatures both ways, agreeing with node:crypto', (curve, size) => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 50; i++) {
      const data = crypto.randomBytes(20);
      const der = new Uint8Array(crypto.sign('sha256', data, privateKey));
      const raw = derToP1363(der, size);
      expect(raw.length).toBe(size * 2);
      expect(crypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      expect(p1363ToDer(raw)).toEqual(der);
      expect(p1363ToDer(raw, size)).toEqual(der);

      // node's own r‖s signatures become DER that node verifies, and a flipped bit in it does not.
      const nodeRaw = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const fromRaw = p1363ToDer(nodeRaw, size);
      expect(crypto.verify('sha256', data, publicKey, fromRaw)).toBe(true);
      const other = Buffer.from(fromRaw);
      other[other.length - 1]! ^= 1;
      expect(crypto.verify('sha256', data, publicKey, other)).toBe(false);
    }
  });

  it('pads a high r, strips leading zeros of s, and keeps zero as one byte', () => {
    const r = Buffer.alloc(32, 0);
    r[0] = 0x80;
    const s = Buffer.alloc(32, 0);
    s[31] = 0x05;
    expect(hex(p1363ToDer(Buffer.concat([r, s]), 32))).toBe(`3026022100${r.toString('hex')}020105`);
    expect(hex(p1363ToDer(Buffer.alloc(64), 32))).toBe('3006020100020100');
  });

  it('uses the long length form for P-521 sequences over 127 bytes', () => {
    const full = Buffer.alloc(132, 0xff);
    full[0] = 0x01;
    full[66] = 0x01;
    const der = p1363ToDer(full, 66);
    // Two INTEGERs of 66 bytes (no pad: the top bit is clear) = 2 × 68 = 0x88 content bytes.
    expect(hex(der.subarray(0, 5))).toBe('3081880242');
    expect(der.length).toBe(3 + 0x88);
  });

  it('rejects a raw signature of the wrong width, or of no even width at all', () => {
    expect(() => p1363ToDer(new Uint8Array(63), 32)).toThrow(CoreError);
    expect(() => p1363ToDer(new Uint8Array(66), 32)).toThrow('ECDSA signature of 66 bytes, expected 64');
    expect(() => p1363ToDer(new Uint8Array(63))).toThrow('raw ECDSA signature has odd length');
    expect(() => p1363ToDer(new Uint8Array(0))).toThrow(CoreError);
  });

  it('rejects malformed DER', () => {
    expect(() => derToP1363(new Uint8Array([0x31, 0]), 32)).toThrow(CoreError);
    expect(() => derToP1363(new Uint8Array([0x30, 3, 2, 1, 1]), 32)).toThrow(CoreError);
    expect(() => derToP1363(new Uint8Array([0x30, 6, 2, 1, 1, 2, 1, 1, 0]), 32)).toThrow(CoreError);
  });
});
