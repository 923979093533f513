import { Pkcs11Error } from './error.js';

/**
 * CKM_ECDSA returns r‖s, each as wide as the curve order (PKCS#11 v2.40 curr. mech. §2.3.1, the IEEE P1363
 * form); Sigstore clients verify the ASN.1 form `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
 * (RFC 5480 §2.2 / SEC 1 §C.8), which is what core's Signer promises.
 */
export function p1363ToDer(signature: Uint8Array, size: number): Uint8Array {
  if (signature.length !== 2 * size) {
    throw new Pkcs11Error('DEVICE_ERROR', `ECDSA signature of ${signature.length} bytes, expected ${2 * size}`);
  }
  const r = derInteger(signature.subarray(0, size));
  const s = derInteger(signature.subarray(size));
  return Uint8Array.from([0x30, ...derLength(r.length + s.length), ...r, ...s]);
}

/** A DER INTEGER for an unsigned big-endian value: minimal, with a 0x00 when the top bit is set. */
function derInteger(value: Uint8Array): number[] {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start += 1;
  const body = Array.from(value.subarray(start));
  if ((body[0] ?? 0) & 0x80) body.unshift(0);
  return [0x02, ...derLength(body.length), ...body];
}

/** DER definite length: short form below 128, else 0x81 nn (ECDSA sequences stay under 256 bytes). */
function derLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length];
}
