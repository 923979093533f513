import { encoding } from '@sigbox/core';

// Go's base64.StdEncoding: padding required, '\r' and '\n' skipped anywhere (encoding/base64 Decode).
const STD_PADDED_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_PADDED_RE = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** The index of the first byte Go reports in `illegal base64 data at input byte N`. */
function illegalOffset(text: string, alphabet: RegExp): number {
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\r' || c === '\n') continue;
    if (c === '=') return i;
    if (!alphabet.test(c)) return i;
    valid++;
  }
  // Bad length: Go reports the offset of the last, incomplete quantum.
  return text.length - (valid % 4);
}

/**
 * Decodes `text` as Go's `base64.StdEncoding.Decode` does for `format: byte` fields of Rekor models, throwing
 * Go's error text so messages match upstream byte for byte.
 */
export function decodeGoBase64(text: string): Uint8Array {
  const stripped = text.replace(/[\r\n]/g, '');
  if (!STD_PADDED_RE.test(stripped)) throw new Error(`illegal base64 data at input byte ${illegalOffset(text, /[A-Za-z0-9+/]/)}`);
  return encoding.fromBase64(stripped);
}

/**
 * DSSE's lenient decoder (go-securesystemslib dsse/envelope.go `b64Decode`): standard alphabet first, then URL
 * alphabet, both padded as Go's StdEncoding / URLEncoding require.
 */
export function decodeDsseBase64(text: string): Uint8Array {
  const stripped = text.replace(/[\r\n]/g, '');
  if (STD_PADDED_RE.test(stripped)) return encoding.fromBase64(stripped);
  if (URL_PADDED_RE.test(stripped)) return encoding.fromBase64Url(stripped.replace(/=+$/, ''));
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
