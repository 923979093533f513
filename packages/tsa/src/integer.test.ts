import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integerBytes, randomSerial } from './integer.js';

/** Two's-complement big-endian → bigint, independently of the encoder under test. */
function decode(bytes: Uint8Array): bigint {
  return BigInt.asIntN(bytes.length * 8, BigInt(`0x${Buffer.from(bytes).toString('hex')}`));
}

describe('integerBytes', () => {
  it('round-trips every integer in the fewest octets (X.690 §8.3.2)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (value) => {
        const bytes = new Uint8Array(integerBytes(value));
        expect(decode(bytes)).toBe(value);
        if (bytes.length > 1) {
          // the first nine bits are never all equal
          expect((bytes[0] === 0x00 && bytes[1]! < 0x80) || (bytes[0] === 0xff && bytes[1]! >= 0x80)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
    expect([...new Uint8Array(integerBytes(0n))]).toEqual([0]);
    expect([...new Uint8Array(integerBytes(128n))]).toEqual([0, 0x80]);
    expect([...new Uint8Array(integerBytes(-129n))]).toEqual([0xff, 0x7f]);
  });

  it('makes positive serials of at most 20 octets', () => {
    for (let i = 0; i < 200; i++) {
      const serial = randomSerial();
      expect(serial > 0n).toBe(true);
      expect(integerBytes(serial).byteLength).toBeLessThanOrEqual(20);
    }
  });
});
