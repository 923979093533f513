import { encoding } from '@sigbox/core';

/*
 * Base64 fields can be megabytes (a DSSE payload fills most of a 4 MiB body), so they are checked with single
 * character-class scans: ≈ 2 ms of the event loop per MiB on the 2-core test machine, where a pattern of repeated
 * groups (`^(?:[A-Za-z0-9+/]{4})*…$`) with a global replace took 20–30 ms.
 */
const OUTSIDE_STD = /[^A-Za-z0-9+/]/;
const OUTSIDE_URL = /[^A-Za-z0-9_-]/;
const OUTSIDE_STD_OR_NEWLINE = /[^A-Za-z0-9+/\r\n]/;
const NEWLINES = /[\r\n]/g;

/** Go's padded encodings: whole quanta, the alphabet, and '=' only as the last one or two characters. */
function isPadded(text: string, outside: RegExp): boolean {
  if (text.length % 4 !== 0) return false;
  const unpadded = text.endsWith('==') ? text.slice(0, -2) : text.endsWith('=') ? text.slice(0, -1) : text;
  return !outside.test(unpadded);
}

/** Without '\r' and '\n', which Go's decoder skips anywhere (encoding/base64 Decode). */
const withoutNewlines = (text: string) => (text.includes('\n') || text.includes('\r') ? text.replace(NEWLINES, '') : text);

const bytesOf = (base64: string, alphabet: 'base64' | 'base64url') => encoding.asBytes(Buffer.from(base64, alphabet));

/** The index of the first byte Go reports in `illegal base64 data at input byte N`. */
function illegalOffset(text: string): number {
  // The first character outside the alphabet, '=' included: Go stops at padding too.
  const bad = text.search(OUTSIDE_STD_OR_NEWLINE);
  if (bad >= 0) return bad;
  // Bad length: Go reports the offset of the last, incomplete quantum.
  const valid = withoutNewlines(text).length;
  return text.length - (valid % 4);
}

/**
 * Decodes `text` as Go's `base64.StdEncoding.Decode` does for `format: byte` fields of Rekor models, throwing
 * Go's error text so messages match upstream byte for byte.
 */
export function decodeGoBase64(text: string): Uint8Array {
  const stripped = withoutNewlines(text);
  if (!isPadded(stripped, OUTSIDE_STD)) throw new Error(`illegal base64 data at input byte ${illegalOffset(text)}`);
  return bytesOf(stripped, 'base64');
}

/**
 * DSSE's lenient decoder (go-securesystemslib dsse/envelope.go `b64Decode`): standard alphabet first, then URL
 * alphabet, both padded as Go's StdEncoding / URLEncoding require.
 */
export function decodeDsseBase64(text: string): Uint8Array {
  const stripped = withoutNewlines(text);
  if (isPadded(stripped, OUTSIDE_STD)) return bytesOf(stripped, 'base64');
  if (isPadded(stripped, OUTSIDE_URL)) return bytesOf(stripped, 'base64url');
  throw new Error('unable to base64 decode payload (is payload in the right format?)');
}

/** A `format: byte` member decoded as go-openapi does, failing with rekor's text that names the member. */
export function decodeByteField(value: string, what: string): Uint8Array {
  try {
    return decodeGoBase64(value);
  } catch (err) {
    throw new Error(`failed parsing base64 data for ${what}: ${(err as Error).message}`);
  }
}
