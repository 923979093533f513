import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { decodeDsseBase64, decodeGoBase64 } from './go-base64.js';

// The patterns the decoders used before their linear scans: the reference they must agree with on every input.
const STD_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

function referenceOffset(text: string): number {
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\r' || c === '\n') continue;
    if (c === '=' || !/[A-Za-z0-9+/]/.test(c)) return i;
    valid++;
  }
  return text.length - (valid % 4);
}

const outcome = (decode: () => Uint8Array) => {
  try {
    return encoding.toHex(decode());
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
};

function referenceGo(text: string): string {
  const stripped = text.replace(/[\r\n]/g, '');
  return STD_PADDED.test(stripped) ? encoding.toHex(Buffer.from(stripped, 'base64')) : `error: illegal base64 data at input byte ${referenceOffset(text)}`;
}

function referenceDsse(text: string): string {
  const stripped = text.replace(/[\r\n]/g, '');
  if (STD_PADDED.test(stripped)) return encoding.toHex(Buffer.from(stripped, 'base64'));
  if (URL_PADDED.test(stripped)) return encoding.toHex(Buffer.from(stripped, 'base64url'));
  return 'error: unable to base64 decode payload (is payload in the right format?)';
}

/** Strings near base64: real encodings with a few characters changed, from both alphabets and the separators. */
const nearBase64 = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.array(fc.tuple(fc.nat(), fc.constantFrom('=', '\n', '\r', '-', '_', '+', '/', 'A', '!', ' ', 'é')), { maxLength: 3 }))
  .map(([bytes, url, edits]) => {
    let text = Buffer.from(bytes).toString(url ? 'base64url' : 'base64');
    if (url && text.length % 4 !== 0) text += '='.repeat(4 - (text.length % 4));
    for (const [at, char] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + char + text.slice(i + (at % 2));
    }
    return text;
  });

describe('Go base64 decoding', () => {
  it('agrees with the reference patterns on near-base64 and arbitrary strings: bytes, verdict and offset', () => {
    fc.assert(
      fc.property(fc.oneof(nearBase64, fc.string({ maxLength: 12 })), (text) => {
        expect(outcome(() => decodeGoBase64(text))).toBe(referenceGo(text));
        expect(outcome(() => decodeDsseBase64(text))).toBe(referenceDsse(text));
      }),
      { numRuns: 3_000 },
    );
  });

  it('decodes megabytes, and reports the offset of a bad last character', () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64');
    expect(decodeGoBase64(big)).toHaveLength(3 * 1024 * 1024);
    expect(() => decodeGoBase64(`${big.slice(0, -1)}!`)).toThrow(`illegal base64 data at input byte ${big.length - 1}`);
  });
});
