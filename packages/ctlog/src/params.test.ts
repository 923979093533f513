import { describe, expect, it } from 'vitest';
import { parseChainRequest, parseHashParam, parseParam } from './params.js';

const code = (f: () => unknown) => {
  try {
    f();
    return 'OK';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('parseChainRequest', () => {
  it('decodes {"chain": [base64 DER, …]} in order', () => {
    expect(parseChainRequest({ chain: ['MAA=', 'MAEA'] })).toEqual([Uint8Array.of(0x30, 0), Uint8Array.of(0x30, 1, 0)]);
  });

  it('refuses every other shape with BAD_REQUEST, as ctfe answers 400', () => {
    for (const body of [null, 'x', {}, { chain: 'MAA=' }, { chain: [] }, { chain: [1] }, { chain: ['not base64!'] }, { chain: Array(11).fill('MAA=') }]) {
      expect(code(() => parseChainRequest(body))).toBe('BAD_REQUEST');
    }
  });
});

describe('parseParam', () => {
  it("accepts Go's ParseInt syntax and already parsed numbers", () => {
    expect(parseParam('start', '42')).toBe(42n);
    expect(parseParam('start', '+7')).toBe(7n);
    expect(parseParam('start', '-1')).toBe(-1n);
    expect(parseParam('start', 5)).toBe(5n);
    expect(parseParam('start', 5n)).toBe(5n);
  });

  it('names what is missing or malformed', () => {
    expect(() => parseParam('first', undefined)).toThrow("parameter 'first' is required");
    expect(() => parseParam('first', '')).toThrow("parameter 'first' is required");
    for (const bad of ['1.5', '0x10', ' 1', '9223372036854775808', 1.5]) expect(() => parseParam('first', bad)).toThrow("parameter 'first' is malformed");
    expect(parseParam('first', '9223372036854775807')).toBe(9223372036854775807n);
  });
});

describe('parseHashParam', () => {
  it('wants standard base64 of exactly 32 bytes', () => {
    expect(parseHashParam(Buffer.alloc(32, 1).toString('base64'))).toEqual(new Uint8Array(32).fill(1));
    for (const bad of [undefined, '', '!!', Buffer.alloc(31).toString('base64')]) expect(code(() => parseHashParam(bad))).toBe('BAD_REQUEST');
  });
});
