import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToP1363, p1363ToDer } from './ecdsa-signature.js';
import { CoreError } from './error.js';

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
    }
  });

  it('rejects malformed DER', () => {
    expect(() => derToP1363(new Uint8Array([0x31, 0]), 32)).toThrow(CoreError);
    expect(() => derToP1363(new Uint8Array([0x30, 3, 2, 1, 1]), 32)).toThrow(CoreError);
    expect(() => derToP1363(new Uint8Array([0x30, 6, 2, 1, 1, 2, 1, 1, 0]), 32)).toThrow(CoreError);
  });
});
