import crypto, { type KeyObject } from 'node:crypto';
import { type KeyAlgorithm, encoding } from '@sigbox/core';
import { Pkcs11Error } from './error.js';

/** The key algorithms a token key can have here: all of Sigbox's signing algorithms (Ed25519: edwards.ts). */
export type Pkcs11KeyAlgorithm = KeyAlgorithm;

export type EcAlgorithm = Exclude<Pkcs11KeyAlgorithm, 'rsa' | 'ed25519'>;

interface Curve {
  /** CKA_EC_PARAMS: the DER-encoded namedCurve OID (PKCS#11 v2.40 curr. mech. §2.3.3, RFC 5480 §2.1.1.1). */
  readonly params: string;
  readonly jwkCurve: 'P-256' | 'P-384' | 'P-521';
  /** Bytes per coordinate, so per half of a raw r‖s signature. */
  readonly size: number;
}

export const CURVES: Readonly<Record<EcAlgorithm, Curve>> = {
  'ecdsa-p256': { params: '06082a8648ce3d030107', jwkCurve: 'P-256', size: 32 }, // 1.2.840.10045.3.1.7
  'ecdsa-p384': { params: '06052b81040022', jwkCurve: 'P-384', size: 48 }, // 1.3.132.0.34
  'ecdsa-p521': { params: '06052b81040023', jwkCurve: 'P-521', size: 66 }, // 1.3.132.0.35
};

/** The curve named by CKA_EC_PARAMS, or UNSUPPORTED_KEY (explicit parameters, other curves). */
export function curveFromParams(params: Uint8Array): EcAlgorithm {
  const hex = encoding.toHex(params);
  const found = (Object.keys(CURVES) as EcAlgorithm[]).find((alg) => CURVES[alg].params === hex);
  if (!found) throw new Pkcs11Error('UNSUPPORTED_KEY', `unsupported EC parameters ${hex}`);
  return found;
}

/**
 * The uncompressed point from CKA_EC_POINT. PKCS#11 v2.40 says "DER-encoding of ANSI X9.62 ECPoint value Q",
 * an OCTET STRING around 04‖X‖Y, but some tokens return the bare point; the two differ in length.
 */
export function uncompressedPoint(ecPoint: Uint8Array, size: number): Uint8Array {
  const rawLength = 1 + 2 * size;
  if (ecPoint.length === rawLength && ecPoint[0] === 0x04) return ecPoint;
  const headerLength = ecPoint[1] === 0x81 ? 3 : 2; // short form, or one length byte (P-521: 133 bytes)
  const point = ecPoint.subarray(headerLength);
  if (ecPoint[0] !== 0x04 || point.length !== rawLength || point[0] !== 0x04) {
    throw new Pkcs11Error('UNSUPPORTED_KEY', 'CKA_EC_POINT is not an uncompressed point on the key curve');
  }
  return point;
}

/** A node public key from a token EC public key's CKA_EC_PARAMS and CKA_EC_POINT. */
export function ecPublicKey(params: Uint8Array, ecPoint: Uint8Array): { algorithm: EcAlgorithm; publicKey: KeyObject } {
  const algorithm = curveFromParams(params);
  const { size, jwkCurve } = CURVES[algorithm];
  const point = uncompressedPoint(ecPoint, size);
  const jwk = {
    kty: 'EC',
    crv: jwkCurve,
    x: encoding.toBase64Url(point.subarray(1, 1 + size)),
    y: encoding.toBase64Url(point.subarray(1 + size)),
  };
  return { algorithm, publicKey: toKeyObject(jwk) };
}

/** A node public key from a token RSA public key's CKA_MODULUS and CKA_PUBLIC_EXPONENT (big-endian). */
export function rsaPublicKey(modulus: Uint8Array, exponent: Uint8Array): KeyObject {
  return toKeyObject({ kty: 'RSA', n: encoding.toBase64Url(stripZeros(modulus)), e: encoding.toBase64Url(stripZeros(exponent)) });
}

// JWK integers are minimal big-endian (RFC 7518 §6.3.1.1); some tokens keep a leading zero byte.
function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return bytes.subarray(start);
}

function toKeyObject(jwk: crypto.JsonWebKey): KeyObject {
  try {
    return crypto.createPublicKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw new Pkcs11Error('UNSUPPORTED_KEY', 'the token public key is not a valid key', { cause });
  }
}
