import crypto, { type ECDH, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { EC_SPKI_PREFIX, bytesEqual } from '@sigbox/core';

/*
 * The NIST curves a hashedrekord key may be on, and EC public keys read straight from their bytes. A key in the
 * one form Go's x509.MarshalPKIXPublicKey writes (RFC 5480 named curve, uncompressed point, fixed-width
 * coordinates) is read here without OpenSSL: a KeyObject per request costs more than the arithmetic it guards
 * (createPublicKey, a JWK export for the point, asymmetricKeyDetails for the curve: ≈ 150 µs of a create).
 */

type NobleCurve = typeof p256 | typeof p384 | typeof p521;

/** The algorithms of core's EC_SPKI_PREFIX, by OpenSSL curve name and JWK "crv" (RFC 7518 §6.2.1.1). */
const CURVE_NAMES = {
  'ecdsa-p256': { openssl: 'prime256v1', jwk: 'P-256' },
  'ecdsa-p384': { openssl: 'secp384r1', jwk: 'P-384' },
  'ecdsa-p521': { openssl: 'secp521r1', jwk: 'P-521' },
} as const;
export type EcAlgorithm = keyof typeof CURVE_NAMES;

/** The message whose digest (e₀) every shifted verification is made on (ecdsa-digest.ts); SHA-256 for any curve. */
export const SHIFT_HASH = 'sha256';
export const EMPTY = new Uint8Array(0);

export interface Curve {
  readonly algorithm: EcAlgorithm;
  readonly name: (typeof CURVE_NAMES)[EcAlgorithm]['openssl'];
  readonly noble: NobleCurve;
  readonly p: bigint;
  readonly b: bigint;
  readonly n: bigint;
  /** Field element width in bytes (SEC 1 §2.3.5); scalars fit in it too. */
  readonly size: number;
  /** bitlen(n): digests are truncated to this many leftmost bits (SEC 1 §4.1.4 step 3). */
  readonly orderBits: number;
  readonly spkiPrefix: Uint8Array;
  /** The digest scalar of EMPTY on this curve. */
  readonly e0: bigint;
  ecdh?: ECDH;
}

/** An affine point on one of the curves, as read from a key; `spki` is its canonical SPKI DER. */
export interface PublicPoint {
  readonly curve: Curve;
  readonly x: bigint;
  readonly y: bigint;
  readonly sec1: Uint8Array;
}

/** Big-endian bytes as a non-negative integer (Buffer's native hex, then one BigInt parse). */
export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

/** `value` (0 ≤ value < 256^size) as `size` big-endian bytes. */
export function toBytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

export const mod = (a: bigint, m: bigint): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

/** SEC 1 §4.1.4 step 3 (Go's hashToInt): the leftmost bitlen(n) bits of the digest, reduced mod n. */
export function digestScalar(c: Pick<Curve, 'n' | 'orderBits'>, digest: Uint8Array): bigint {
  const head = digest.subarray(0, Math.ceil(c.orderBits / 8));
  const excess = head.length * 8 - c.orderBits;
  return mod(toBigInt(head) >> BigInt(Math.max(excess, 0)), c.n);
}

function curve(algorithm: EcAlgorithm, noble: NobleCurve): Curve {
  const { p, n, b } = noble.Point.CURVE();
  const orderBits = noble.Point.Fn.BITS;
  const e0 = digestScalar({ n, orderBits }, crypto.hash(SHIFT_HASH, EMPTY, 'buffer'));
  const size = noble.Point.Fp.BYTES;
  return { algorithm, name: CURVE_NAMES[algorithm].openssl, noble, p, b, n, size, orderBits, spkiPrefix: EC_SPKI_PREFIX[algorithm], e0 };
}

export const CURVES: readonly Curve[] = [curve('ecdsa-p256', p256), curve('ecdsa-p384', p384), curve('ecdsa-p521', p521)];
const CURVE_OF_JWK: Readonly<Record<string, Curve>> = Object.fromEntries(CURVES.map((c) => [CURVE_NAMES[c.algorithm].jwk, c]));

/** y² = x³ − 3x + b (mod p), the short Weierstrass equation of all three curves (a = −3, SEC 2 §2.4–2.6). */
function isOnCurve(c: Curve, x: bigint, y: bigint): boolean {
  return (y * y - (x * x * x - 3n * x + c.b)) % c.p === 0n;
}

/**
 * The curve and point of an SPKI DER in canonical form: core's EC_SPKI_PREFIX, 0x04, then x and y of the field's
 * width, each < p, on the curve. Exactly what OpenSSL loads as this key and re-exports byte for byte, and what Go's
 * MarshalPKIXPublicKey writes, so the input is its own canonical encoding. Null for any other input (compressed or
 * hybrid points, explicit parameters, other key types, off-curve points, malformed DER): those take OpenSSL's path.
 */
export function readEcSpki(der: Uint8Array): PublicPoint | null {
  for (const c of CURVES) {
    const prefix = c.spkiPrefix;
    if (der.length !== prefix.length + 1 + 2 * c.size || der[prefix.length] !== 4) continue;
    if (!bytesEqual(der.subarray(0, prefix.length), prefix)) continue;
    const sec1 = der.subarray(prefix.length);
    const x = toBigInt(sec1.subarray(1, 1 + c.size));
    const y = toBigInt(sec1.subarray(1 + c.size));
    if (x >= c.p || y >= c.p || !isOnCurve(c, x, y)) return null;
    return { curve: c, x, y, sec1 };
  }
  return null;
}

/**
 * A KeyObject of an SPKI DER, made from its PEM: node:crypto loads a PEM public key several times faster than the
 * same DER (≈ 17 µs against ≈ 69 µs for P-256 on Node 24 / OpenSSL 3.5, bench/log/README.md, issue 18), and the
 * first verification with it costs less too. Throws node:crypto's error as createPublicKey does.
 */
export function publicKeyOfSpki(der: Uint8Array): KeyObject {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return crypto.createPublicKey(`-----BEGIN PUBLIC KEY-----\n${base64}\n-----END PUBLIC KEY-----\n`);
}

const pointsOfKeys = new WeakMap<KeyObject, PublicPoint | null>();

/** The curve and point of a KeyObject (its JWK export), once per key; null for anything but P-256/384/521 keys. */
export function pointOfKey(key: KeyObject): PublicPoint | null {
  let point = pointsOfKeys.get(key);
  if (point === undefined) {
    const jwk = key.asymmetricKeyType === 'ec' ? key.export({ format: 'jwk' }) : undefined;
    const c = CURVE_OF_JWK[jwk?.crv ?? ''];
    point = null;
    if (jwk !== undefined && c !== undefined) {
      const [x, y] = [Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')];
      point = { curve: c, x: toBigInt(x), y: toBigInt(y), sec1: Buffer.concat([Buffer.from([4]), x, y]) };
    }
    pointsOfKeys.set(key, point);
  }
  return point;
}
