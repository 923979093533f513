/**
 * DER framing of values already encoded: a tag, the definite length (X.690 §8.1.3, the short form below 128, else
 * the fewest length octets, §10.1), the contents. Only for assembling the CMS envelope of a response from parts
 * asn1-schema encoded (the TSTInfo, attributes) or that are per-TSA constants: measured in bench/tsa/README.md, the
 * envelope walked through asn1-schema and asn1js cost most of a response.
 */

/** The tags the envelope uses (X.690 §8.1.2: universal constructed SEQUENCE/SET, context-specific constructed [0]). */
export const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, SEQUENCE: 0x30, SET: 0x31, CONTEXT_0: 0xa0 } as const;

function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One DER value: `tag`, then the length of `contents` together, then `contents` in order. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of contents) length += part.length;
  const head = lengthOctets(length);
  const out = new Uint8Array(1 + head.length + length);
  out[0] = tag;
  out.set(head, 1);
  let at = 1 + head.length;
  for (const part of contents) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A DER SET OF: its members sorted by their encodings (X.690 §11.6), under `tag` (SET, or [0] IMPLICIT). */
export function setOf(tag: number, members: readonly Uint8Array[]): Uint8Array {
  return tlv(tag, ...[...members].sort((a, b) => Buffer.compare(a, b)));
}
