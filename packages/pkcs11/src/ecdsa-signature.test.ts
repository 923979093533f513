import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { p1363ToDer } from './ecdsa-signature.js';
import { Pkcs11Error } from './error.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('p1363ToDer', () => {
  it.each([
    ['P-256', 32],
    ['P-384', 48],
    ['P-521', 66],
  ] as const)('turns node %s r‖s signatures into DER that node verifies', (namedCurve, size) => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 20; i++) {
      const data = crypto.randomBytes(32);
      const raw = crypto.sign(null, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = p1363ToDer(raw, size);
      expect(crypto.verify(null, data, publicKey, der)).toBe(true);
      const other = Buffer.from(der);
      other[other.length - 1]! ^= 1;
      expect(crypto.verify(null, data, publicKey, other)).toBe(false);
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

  it('rejects a signature of the wrong width', () => {
    expect(() => p1363ToDer(new Uint8Array(63), 32)).toThrow(Pkcs11Error);
  });
});
