import { X509Error } from './error.js';

/** One DER element inside `bytes`: `start` is the tag offset, `contentStart` its value's, `end` is exclusive. */
export interface Element {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function fail(message: string): never {
  throw new X509Error('INVALID_CERTIFICATE', `malformed DER: ${message}`);
}

/**
 * Reads the element at `offset`, refusing what DER forbids (indefinite or non-minimal lengths) and anything
 * reaching past `limit`. Input is attacker-controlled (CSRs, chains): every length is checked before use.
 */
export function readElement(bytes: Uint8Array, offset = 0, limit = bytes.length): Element {
  if (offset + 2 > limit) fail('truncated header');
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('high tag numbers are not used in X.509');
  const first = bytes[offset + 1] as number;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) fail('unsupported length form');
    if (contentStart + n > limit) fail('truncated length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (bytes[contentStart + i] as number);
    if (length < 0x80 || (bytes[contentStart] as number) === 0) fail('non-minimal length');
    contentStart += n;
  }
  const end = contentStart + length;
  if (end > limit) fail('length past end of input');
  return { tag, start: offset, contentStart, end };
}

/** The children of a constructed element, in order; they must tile its content exactly. */
export function children(bytes: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** Reads `bytes` as exactly one element with `tag` (no trailing bytes). */
export function readWhole(bytes: Uint8Array, tag: number): Element {
  const el = readElement(bytes);
  if (el.tag !== tag || el.end !== bytes.length) fail(`expected one element with tag 0x${tag.toString(16)}`);
  return el;
}

export const raw = (bytes: Uint8Array, el: Element): Uint8Array => bytes.subarray(el.start, el.end);
export const content = (bytes: Uint8Array, el: Element): Uint8Array => bytes.subarray(el.contentStart, el.end);

/** Arcs below this stay exact as doubles after one more base-128 digit (2^53 / 128). */
const EXACT_ARC_LIMIT = 2 ** 46;

/**
 * Dotted form of an OBJECT IDENTIFIER's content octets (X.690 §8.19). An arc padded with leading 0x80 octets is
 * refused (§8.19.2), as OpenSSL and Go do: read leniently, two encodings would name one OID. Arcs are numbers
 * until they outgrow doubles, then bigints: every certificate extension's OID goes through here.
 */
export function decodeOid(body: Uint8Array): string {
  let dotted = '';
  let acc: number | bigint = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (b === 0x80 && acc === 0) fail('non-minimal OID arc');
    acc = typeof acc === 'number' && acc < EXACT_ARC_LIMIT ? acc * 128 + (b & 0x7f) : (BigInt(acc) << 7n) | BigInt(b & 0x7f);
    if (b & 0x80) continue;
    // X.690 §8.19.4: the first value holds the first two arcs, 40·X + Y with X ≤ 2.
    if (dotted !== '') dotted += `.${acc}`;
    else dotted = typeof acc === 'number' && acc < 80 ? `${Math.floor(acc / 40)}.${acc % 40}` : `2.${BigInt(acc) - 80n}`;
    acc = 0;
  }
  if (acc !== 0) fail('truncated OID');
  if (dotted === '') fail('empty OID');
  return dotted;
}

/** Content octets of a BIT STRING that has no unused bits (keys, signatures). */
export function bitStringBytes(bytes: Uint8Array, el: Element): Uint8Array {
  if (el.tag !== 0x03 || el.end === el.contentStart || bytes[el.contentStart] !== 0) fail('expected a whole-byte BIT STRING');
  return bytes.subarray(el.contentStart + 1, el.end);
}
