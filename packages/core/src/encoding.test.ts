import { describe, expect, it } from 'vitest';
import { asBytes, concatBytes, fromBase64, fromBase64Url, fromHex, fromUtf8, toBase64, toBase64Url, toHex, utf8 } from './encoding.js';
import { CoreError } from './error.js';

describe('encoding', () => {
  it('round-trips hex, base64 and base64url', () => {
    const bytes = new Uint8Array([0, 1, 0xfe, 0xff, 0x7f, 0x80]);
    expect(toHex(bytes)).toBe('0001feff7f80');
    expect(fromHex('0001FEFF7f80')).toEqual(bytes);
    expect(toBase64(bytes)).toBe('AAH+/3+A');
    expect(fromBase64('AAH+/3+A')).toEqual(bytes);
    expect(toBase64Url(bytes)).toBe('AAH-_3-A');
    expect(fromBase64Url('AAH-_3-A')).toEqual(bytes);
  });

  it('returns plain Uint8Array, never Buffer', () => {
    expect(Object.getPrototypeOf(fromHex('00'))).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(fromBase64('AA=='))).toBe(Uint8Array.prototype);
    expect(Object.getPrototypeOf(asBytes(Buffer.from('x')))).toBe(Uint8Array.prototype);
  });

  it.each(['0', 'zz', '0g', ' 00'])('rejects malformed hex %j', (text) => {
    expect(() => fromHex(text)).toThrow(CoreError);
  });

  it.each(['A', 'AA=A', 'AA AA', 'AA*A', 'AAAAA', '====', 'AAH-_3-A'])('rejects malformed base64 %j', (text) => {
    expect(() => fromBase64(text)).toThrow(CoreError);
  });

  it('accepts unpadded standard base64 and empty input', () => {
    expect(fromBase64('AA')).toEqual(new Uint8Array([0]));
    expect(fromBase64('')).toEqual(new Uint8Array());
  });

  it('rejects invalid UTF-8 instead of substituting', () => {
    expect(fromUtf8(utf8('— ok'))).toBe('— ok');
    expect(() => fromUtf8(new Uint8Array([0xc3, 0x28]))).toThrow(CoreError);
  });

  it('concatenates', () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
  });
});
