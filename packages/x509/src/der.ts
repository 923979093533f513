/**
 * A minimal DER encoder (X.690 §10): definite lengths, single-byte tags. Every function returns fresh bytes;
 * the leaf issuer calls these on its hot path, so each allocates exactly once.
 */

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/**
 * An element still to be serialised: its content length is known, its bytes are written once by `encode`.
 * Building certificates from nodes costs one allocation per certificate instead of one per element — small
 * typed arrays are expensive in V8, and issuance is a hot path.
 */
export interface DerNode {
  readonly tag: number;
  readonly parts: readonly Der[];
  readonly length: number;
}
/** Encoded bytes or a node to encode. */
export type Der = Uint8Array | DerNode;

/** X.690 §8.1.3: short form below 128, else 0x80|n followed by n big-endian length octets. */
function headerLength(length: number): number {
  if (length < 0x80) return 2;
  let n = 1;
  for (let l = length; l > 0xff; l >>>= 8) n++;
  return 2 + n;
}

export const encodedLength = (der: Der): number => (der instanceof Uint8Array ? der.length : headerLength(der.length) + der.length);

function writeHeader(out: Uint8Array, offset: number, tag: number, length: number): number {
  out[offset] = tag;
  if (length < 0x80) {
    out[offset + 1] = length;
    return offset + 2;
  }
  const n = headerLength(length) - 2;
  out[offset + 1] = 0x80 | n;
  for (let i = 0; i < n; i++) out[offset + 2 + i] = (length >>> (8 * (n - 1 - i))) & 0xff;
  return offset + 2 + n;
}

function write(out: Uint8Array, offset: number, der: Der): number {
  if (der instanceof Uint8Array) {
    out.set(der, offset);
    return offset + der.length;
  }
  let at = writeHeader(out, offset, der.tag, der.length);
  for (const part of der.parts) at = write(out, at, part);
  return at;
}

/** The DER bytes of `der` (a copy is never made of something already encoded). */
export function encode(der: Der): Uint8Array {
  if (der instanceof Uint8Array) return der;
  const out = new Uint8Array(encodedLength(der));
  write(out, 0, der);
  return out;
}

/** tag ‖ length ‖ concatenation of `parts`, as a node. */
export function node(tag: number, ...parts: Der[]): DerNode {
  let length = 0;
  for (const p of parts) length += encodedLength(p);
  return { tag, parts, length };
}

/** tag ‖ length ‖ concatenation of `parts`, encoded now. */
export const tlv = (tag: number, ...parts: Der[]): Uint8Array => encode(node(tag, ...parts));

const ZERO_BYTE = Uint8Array.of(0);

export const sequence = (...parts: Der[]): DerNode => node(TAG.SEQUENCE, ...parts);
export const set = (...parts: Der[]): DerNode => node(TAG.SET, ...parts);
export const octetString = (bytes: Der): DerNode => node(TAG.OCTET_STRING, bytes);
export const utf8String = (text: string): DerNode => node(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
/** BIT STRING with no unused bits (signatures, keys). */
export const bitString = (bytes: Uint8Array): DerNode => node(TAG.BIT_STRING, ZERO_BYTE, bytes);
/** Context-specific constructed `[n]` (EXPLICIT tagging, or IMPLICIT on a constructed type). */
export const explicit = (n: number, ...parts: Der[]): DerNode => node(0xa0 | n, ...parts);

export const DER_TRUE = Uint8Array.of(TAG.BOOLEAN, 1, 0xff);
export const DER_NULL = Uint8Array.of(TAG.NULL, 0);

/** OBJECT IDENTIFIER from dotted form (X.690 §8.19): first two arcs folded, base-128 arcs. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new TypeError(`bad OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new TypeError(`bad OID ${dotted}`);
  const body: number[] = [];
  const values = [(arcs[0] as bigint) * 40n + (arcs[1] as bigint), ...arcs.slice(2)];
  for (const v of values) {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (let rest = v >> 7n; rest > 0n; rest >>= 7n) chunk.unshift(Number(rest & 0x7fn) | 0x80);
    body.push(...chunk);
  }
  return tlv(TAG.OID, Uint8Array.from(body));
}

/** INTEGER from a non-negative bigint: minimal big-endian, a leading 0x00 when the high bit is set (§8.3). */
export function integer(value: bigint): DerNode {
  if (value < 0n) throw new RangeError('negative INTEGER not supported');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return node(TAG.INTEGER, Buffer.from(hex, 'hex'));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for 1950–2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050,
 * both in UTC with whole seconds (fractions are dropped, as Go's encoding/asn1 does).
 */
export function time(date: Date): DerNode {
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return node(TAG.UTC_TIME, Buffer.from(`${pad(year % 100)}${rest}`, 'latin1'));
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be encoded`);
  return node(TAG.GENERALIZED_TIME, Buffer.from(`${pad(year, 4)}${rest}`, 'latin1'));
}

/** One X.509 Extension (RFC 5280 §4.1): SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(oidDer: Uint8Array, critical: boolean, value: Der): DerNode {
  return critical ? sequence(oidDer, DER_TRUE, octetString(value)) : sequence(oidDer, octetString(value));
}
