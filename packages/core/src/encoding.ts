import { CoreError } from './error.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
// Standard alphabet with padding as Go's base64.StdEncoding writes it; also accepts unpadded input.
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Views any Buffer or typed array as a plain Uint8Array without copying. */
export function asBytes(data: ArrayBufferView): Uint8Array {
  return data instanceof Uint8Array && data.constructor === Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict: even length, hex digits only (either case). */
export function fromHex(hex: string): Uint8Array {
  if (!HEX_RE.test(hex)) throw new CoreError('INVALID_ENCODING', 'invalid hex string');
  return asBytes(Buffer.from(hex, 'hex'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict standard base64 (RFC 4648 §4); Node's decoder alone would skip invalid characters silently. */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64_RE.test(text)) throw new CoreError('INVALID_ENCODING', 'invalid base64 string');
  return asBytes(Buffer.from(text, 'base64'));
}

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!BASE64URL_RE.test(text) || text.length % 4 === 1) throw new CoreError('INVALID_ENCODING', 'invalid base64url string');
  return asBytes(Buffer.from(text, 'base64url'));
}

export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** Decodes UTF-8, rejecting invalid sequences rather than substituting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch (cause) {
    throw new CoreError('INVALID_ENCODING', 'invalid UTF-8', { cause });
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
