import { describe, expect, it } from 'vitest';
import { encode, integer } from './der.js';
import { MAX_SERIAL, isValidSerial, randomSerial } from './serial.js';

describe('randomSerial', () => {
  it('draws distinct positive serials whose DER INTEGER never needs a 21st octet', () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 5_000; i += 1) {
      const serial = randomSerial();
      expect(isValidSerial(serial)).toBe(true);
      const der = encode(integer(serial));
      expect(der[1]).toBeLessThanOrEqual(20);
      seen.add(serial);
    }
    expect(seen.size).toBe(5_000);
  });

  it('accepts 1 to 2^159 − 1 and nothing outside', () => {
    expect(isValidSerial(1n)).toBe(true);
    expect(isValidSerial(MAX_SERIAL)).toBe(true);
    expect(encode(integer(MAX_SERIAL))).toHaveLength(22);
    expect(encode(integer(1n << 151n))).toHaveLength(22); // 19 magnitude octets, 0x00-padded: the case the old test tripped on
    expect(encode(integer(MAX_SERIAL + 1n))).toHaveLength(23);
    expect(isValidSerial(0n)).toBe(false);
    expect(isValidSerial(-1n)).toBe(false);
    expect(isValidSerial(MAX_SERIAL + 1n)).toBe(false);
  });
});
