import crypto from 'node:crypto';

/** DER INTEGER content (X.690 §8.3): minimal two's complement, so signed nonces round-trip. */
export function integerBytes(value: bigint): ArrayBuffer {
  const negative = value < 0n;
  let hex = (negative ? -value - 1n : value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (negative) bytes = Buffer.from(bytes.map((b) => ~b & 0xff));
  const pad = negative ? 0xff : 0x00;
  if (bytes.length === 0 || ((bytes[0] ?? 0) & 0x80) !== (pad & 0x80)) bytes = Buffer.concat([Buffer.of(pad), bytes]);
  return new Uint8Array(bytes).buffer;
}

/** 159 random bits, positive and non-zero: a certificate or TSTInfo serial within RFC 5280's 20 octets. */
export function randomSerial(): bigint {
  const bytes = crypto.randomBytes(20);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return BigInt(`0x${bytes.toString('hex')}`) || 1n;
}

