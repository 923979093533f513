/**
 * A small DER reader (ITU-T X.690 §8, §10): enough of X.509 to show who signed (names, validity, extensions) and
 * to turn an ECDSA signature into the r‖s form WebCrypto verifies. Lengths are checked; anything malformed throws.
 */
export interface Tlv {
  /** The identifier octet (class, constructed bit, tag number < 31). */
  readonly tag: number;
  readonly content: Uint8Array;
  /** The whole element, header included. */
  readonly raw: Uint8Array;
}

export function readTlv(bytes: Uint8Array, at = 0): Tlv & { end: number } {
  const tag = bytes[at];
  if (tag === undefined || (tag & 0x1f) === 0x1f) throw new Error('DER: missing or high tag number');
  let length = bytes[at + 1];
  if (length === undefined) throw new Error('DER: truncated length');
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (bytes[start + i] ?? NaN);
    start += n;
  }
  const end = start + length;
  if (!Number.isFinite(length) || end > bytes.length) throw new Error('DER: element runs past its container');
  return { tag, content: bytes.subarray(start, end), raw: bytes.subarray(at, end), end };
}

/** The elements inside a constructed element's content. */
export function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < content.length; ) {
    const t = readTlv(content, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

export function oidText(content: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const b of content) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** UTCTime (two-digit years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime. */
export function timeOf(t: Tlv): Date {
  const s = new TextDecoder().decode(t.content);
  const m = /^(\d{2,4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`DER: unsupported time ${s}`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** The text of a string element (UTF8String, PrintableString, IA5String…). */
export const stringOf = (t: Tlv): string => new TextDecoder().decode(t.content);

/** An ECDSA-Sig-Value (SEQUENCE of r, s) as the fixed-width r‖s WebCrypto expects. */
export function ecdsaDerToP1363(der: Uint8Array, width = 32): Uint8Array {
  const seq = readTlv(der);
  const [r, s] = children(seq.content);
  if (seq.tag !== 0x30 || r?.tag !== 0x02 || s?.tag !== 0x02) throw new Error('not an ECDSA signature');
  const out = new Uint8Array(2 * width);
  for (const [i, n] of [r, s].entries()) {
    let v = n.content;
    while (v.length > width && v[0] === 0) v = v.subarray(1);
    if (v.length > width) throw new Error('ECDSA integer too long');
    out.set(v, (i + 1) * width - v.length);
  }
  return out;
}
