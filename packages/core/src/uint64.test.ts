import { describe, expect, it } from 'vitest';
import { CoreError } from './error.js';
import { MAX_INT64, MAX_UINT64, parseUint64 } from './uint64.js';

describe('parseUint64', () => {
  it('parses decimal unsigned integers up to the bound', () => {
    expect(parseUint64('0')).toBe(0n);
    expect(parseUint64('18446744073709551615')).toBe(MAX_UINT64);
    expect(parseUint64('9223372036854775807', MAX_INT64)).toBe(MAX_INT64);
  });

  it.each(['', '-1', '+1', '01', '1.0', '1e3', ' 1', '0x10', '18446744073709551616', '123456789012345678901'])('rejects %j', (text) => {
    expect(() => parseUint64(text)).toThrow(CoreError);
  });

  it('enforces a smaller bound', () => {
    expect(() => parseUint64('9223372036854775808', MAX_INT64)).toThrow(CoreError);
  });
});
