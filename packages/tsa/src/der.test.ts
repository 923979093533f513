import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TAG, setOf, tlv } from './der.js';

describe('DER framing', () => {
  it('frames contents as asn1js encodes an OCTET STRING of them (short and long lengths)', () => {
    for (const length of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 70_000]) {
      const contents = new Uint8Array(length).fill(7);
      const expected = new Uint8Array(new asn1js.OctetString({ valueHex: contents }).toBER(false));
      expect(Buffer.from(tlv(TAG.OCTET_STRING, contents.subarray(0, length >> 1), contents.subarray(length >> 1))).equals(Buffer.from(expected)), String(length)).toBe(true);
    }
  });

  it('sorts a SET OF by encodings (X.690 §11.6), whatever order it is given', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 4 }), { maxLength: 6 }), (members) => {
        const sorted = [...members].sort((a, b) => Buffer.compare(a, b));
        expect(setOf(TAG.SET, members)).toEqual(tlv(TAG.SET, ...sorted));
        expect(setOf(TAG.CONTEXT_0, [...members].reverse())[0]).toBe(0xa0);
      }),
    );
  });
});
