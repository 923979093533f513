import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.js';
import { CoreError } from './error.js';

describe('canonicalize (RFC 8785)', () => {
  it('serialises the RFC 8785 §3.2.2 example byte for byte', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    const values = Object.values(JSON.parse(canonicalize(input)) as Record<string, string>);
    // Parsing reorders integer-like keys, so read the order from the text itself.
    const order = [...canonicalize(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(values).toHaveLength(7);
  });

  it('keeps <, > and & unescaped (Go json.Marshal would escape them; JCS must not)', () => {
    expect(canonicalize({ a: '<&>' })).toBe('{"a":"<&>"}');
  });

  it('drops undefined members, writes bigint as an integer, nests', () => {
    expect(canonicalize({ b: [1, { d: undefined, c: 2n ** 63n - 1n }], a: undefined })).toBe('{"b":[1,{"c":9223372036854775807}]}');
  });

  it('rejects values JSON cannot represent', () => {
    expect(() => canonicalize({ x: Number.NaN })).toThrow(CoreError);
    expect(() => canonicalize({ x: () => 1 })).toThrow(CoreError);
  });
});
