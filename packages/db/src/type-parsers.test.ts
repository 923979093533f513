import { describe, expect, it } from 'vitest';
import { DbError } from './error.js';
import { parseBytea, parseInt8 } from './type-parsers.js';

describe('parseInt8', () => {
  it.each(['0', '-1', '9007199254740993', '9223372036854775807', '-9223372036854775808'])('%s', (text) => {
    expect(parseInt8(text)).toBe(BigInt(text));
  });
});

describe('parseBytea', () => {
  it('decodes hex into a plain Uint8Array that owns its memory', () => {
    const bytes = parseBytea('\\x00ff10');
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect([...bytes]).toEqual([0x00, 0xff, 0x10]);
    expect(bytes.buffer.byteLength).toBe(3);
  });

  it('decodes the empty value', () => {
    expect(parseBytea('\\x')).toEqual(new Uint8Array(0));
  });

  it('decodes the escape output format too', () => {
    const bytes = parseBytea('a\\000\\377');
    expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    expect([...bytes]).toEqual([0x61, 0x00, 0xff]);
  });

  it.each(['\\x0', '\\xzz', '\\x00gg'])('rejects malformed hex %s', (text) => {
    expect(() => parseBytea(text)).toThrow(DbError);
  });
});
