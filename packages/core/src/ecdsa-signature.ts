import { CoreError } from './error.js';

/**
 * ECDSA signatures travel in two encodings: ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (X.509, Sigstore,
 * node:crypto's default) and raw `r ‖ s` of fixed width (IEEE P1363: JWS, WebCrypto, PKCS#11 CKM_ECDSA).
 */

function derLength(length: number): number[] {
  return length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
}

function derInteger(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = [...bytes.subarray(start)];
  if ((body[0] ?? 0) & 0x80) body.unshift(0);
  return [0x02, ...derLength(body.length), ...body];
}

/**
 * Raw `r ‖ s` to DER. With `size` (32 for P-256, 48 for P-384, 66 for P-521) each half must be exactly that
 * wide, as a producer that knows its curve answers (PKCS#11 v2.40 curr. mech. §2.3.1 for CKM_ECDSA); any
 * other length is the producer's fault, not another reading of the signature.
 */
export function p1363ToDer(signature: Uint8Array, size?: number): Uint8Array {
  if (size !== undefined && signature.length !== 2 * size) {
    throw new CoreError('INVALID_ENCODING', `ECDSA signature of ${signature.length} bytes, expected ${2 * size}`);
  }
  if (signature.length === 0 || signature.length % 2 !== 0) throw new CoreError('INVALID_ENCODING', 'raw ECDSA signature has odd length');
  const half = signature.length / 2;
  const body = [...derInteger(signature.subarray(0, half)), ...derInteger(signature.subarray(half))];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

function readLength(der: Uint8Array, at: number): [number, number] {
  const first = der[at] ?? -1;
  if (first < 0x80) return [first, at + 1];
  const octets = first & 0x7f;
  if (octets < 1 || octets > 2) throw new CoreError('INVALID_ENCODING', 'bad DER length');
  let length = 0;
  for (let i = 1; i <= octets; i++) length = (length << 8) | (der[at + i] ?? 0);
  return [length, at + 1 + octets];
}

function readInteger(der: Uint8Array, at: number, size: number): [Uint8Array, number] {
  if (der[at] !== 0x02) throw new CoreError('INVALID_ENCODING', 'expected DER INTEGER');
  const [length, start] = readLength(der, at + 1);
  let bytes = der.subarray(start, start + length);
  if (bytes.length !== length || length === 0) throw new CoreError('INVALID_ENCODING', 'truncated DER INTEGER');
  while (bytes.length > size && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new CoreError('INVALID_ENCODING', 'DER INTEGER too large');
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return [out, start + length];
}

/** DER to raw `r ‖ s` with each half `size` bytes (32 for P-256, 48 for P-384, 66 for P-521). */
export function derToP1363(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw new CoreError('INVALID_ENCODING', 'expected DER SEQUENCE');
  const [length, start] = readLength(der, 1);
  if (start + length !== der.length) throw new CoreError('INVALID_ENCODING', 'DER signature length mismatch');
  const [r, next] = readInteger(der, start, size);
  const [s, end] = readInteger(der, next, size);
  if (end !== der.length) throw new CoreError('INVALID_ENCODING', 'trailing bytes in DER signature');
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}
