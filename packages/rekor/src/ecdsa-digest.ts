import crypto, { type ECDH, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { EC_SPKI_PREFIX, encoding } from '@sigbox/core';
import { verifyOffLoop } from './verify-off-loop.js';

/*
 * ECDSA verification over a digest the client already computed (hashedrekord) at node:crypto speed.
 * crypto.verify always hashes, so the check is moved onto a digest it can produce: e₀ = H(EMPTY). SEC 1 §4.1.4
 * accepts (r, s) on e under Q iff R = (e/s)·G + (r/s)·Q is not ∞ and x(R) mod n = r. With t = (e − e₀)/r mod n
 * and Q' = Q + t·G, the point crypto.verify forms for (r, s) on e₀ under Q' is (e₀/s)·G + (r/s)·(Q + t·G) =
 * ((e₀ + r·t)/s)·G + (r/s)·Q = R, the same point, so OpenSSL's own verification decides. t·G comes natively
 * with both coordinates (ECDH setPrivateKey + getPublicKey); Q + t·G is one affine addition in BigInt.
 * The only inputs this cannot express (t·G = ±Q: a doubling or ∞) go to @noble/curves, the reference.
 */

type NobleCurve = typeof p256 | typeof p384 | typeof p521;

/** OpenSSL's curve names, with the algorithm whose SPKI prefix (core's EC_SPKI_PREFIX) rebuilds keys on them. */
const ALGORITHM_OF_CURVE = { prime256v1: 'ecdsa-p256', secp384r1: 'ecdsa-p384', secp521r1: 'ecdsa-p521' } as const;
type CurveName = keyof typeof ALGORITHM_OF_CURVE;

/** The message whose digest (e₀) every shifted verification is made on; H = SHA-256 for any curve. */
const EMPTY = new Uint8Array(0);
const SHIFT_HASH = 'sha256';

interface Curve {
  readonly name: CurveName;
  readonly noble: NobleCurve;
  readonly p: bigint;
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

function curve(name: CurveName, noble: NobleCurve): Curve {
  const { p, n } = noble.Point.CURVE();
  const orderBits = noble.Point.Fn.BITS;
  const e0 = digestScalar({ n, orderBits }, encoding.asBytes(crypto.hash(SHIFT_HASH, EMPTY, 'buffer')));
  return { name, noble, p, n, size: noble.Point.Fp.BYTES, orderBits, spkiPrefix: EC_SPKI_PREFIX[ALGORITHM_OF_CURVE[name]], e0 };
}

const toBigInt = (bytes: Uint8Array): bigint => (bytes.length === 0 ? 0n : BigInt(`0x${encoding.toHex(bytes)}`));
const toBytes = (value: bigint, size: number): Buffer => Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

/** SEC 1 §4.1.4 step 3 (Go's hashToInt): the leftmost bitlen(n) bits of the digest, reduced mod n. */
function digestScalar(c: Pick<Curve, 'n' | 'orderBits'>, digest: Uint8Array): bigint {
  const head = digest.subarray(0, Math.ceil(c.orderBits / 8));
  const excess = head.length * 8 - c.orderBits;
  return mod(toBigInt(head) >> BigInt(Math.max(excess, 0)), c.n);
}

// Keyed by JWK "crv" (RFC 7518 §6.2.1.1): the JWK export carries the point anyway, and reading
// asymmetricKeyDetails as well would cost as much again on every freshly parsed key.
const CURVES: Readonly<Record<string, Curve>> = {
  'P-256': curve('prime256v1', p256),
  'P-384': curve('secp384r1', p384),
  'P-521': curve('secp521r1', p521),
};

interface PublicPoint {
  readonly curve: Curve;
  readonly x: bigint;
  readonly y: bigint;
  readonly sec1: Uint8Array;
}

const publicPoints = new WeakMap<KeyObject, PublicPoint | null>();

/** The key's curve and affine point, read once per KeyObject; null for anything but P-256/384/521 keys. */
function publicPoint(key: KeyObject): PublicPoint | null {
  let point = publicPoints.get(key);
  if (point === undefined) {
    const jwk = key.asymmetricKeyType === 'ec' ? key.export({ format: 'jwk' }) : undefined;
    const c = CURVES[jwk?.crv ?? ''];
    point = null;
    if (jwk !== undefined && c !== undefined) {
      const [x, y] = [encoding.fromBase64Url(jwk.x ?? ''), encoding.fromBase64Url(jwk.y ?? '')];
      point = { curve: c, x: toBigInt(x), y: toBigInt(y), sec1: encoding.concatBytes(new Uint8Array([4]), x, y) };
    }
    publicPoints.set(key, point);
  }
  return point;
}

// Lehmer's extended GCD (Knuth TAOCP vol. 2 §4.5.2, Algorithm L): Euclid runs on the leading HEAD_BITS of both
// remainders in doubles (exact below 2^53) and the collected steps are applied to the BigInts at once; plain
// BigInt Euclid costs as much as the native verification itself.
const HEAD_BITS = 48;
const HEAD_SHIFT_MIN = BigInt(HEAD_BITS);

/** a⁻¹ mod m for 0 < a < m, m prime. Plain assignments, no destructuring: this loop is hot. */
export function modInverse(a: bigint, m: bigint): bigint {
  let u = m, v = a, tu = 0n, tv = 1n; // invariant: tu·a ≡ u and tv·a ≡ v (mod m)
  while (v !== 0n) {
    const shift = u >> HEAD_SHIFT_MIN === 0n ? 0n : BigInt(u.toString(16).length * 4 - HEAD_BITS);
    const [A, B, C, D] = lehmerSteps(Number(u >> shift), Number(v >> shift));
    let next: bigint;
    if (B === 0) {
      const q = u / v; // the heads settled no quotient (or u, v fit in a double): one exact step
      next = u - q * v; u = v; v = next;
      next = tu - q * tv; tu = tv; tv = next;
    } else {
      const a1 = BigInt(A), b1 = BigInt(B), c1 = BigInt(C), d1 = BigInt(D);
      next = a1 * u + b1 * v; v = c1 * u + d1 * v; u = next;
      next = a1 * tu + b1 * tv; tv = c1 * tu + d1 * tv; tu = next;
    }
  }
  return mod(tu, m);
}

/** The cofactors of the Euclid steps on heads x ≥ y whose quotients are certain (Algorithm L, steps L2–L3). */
function lehmerSteps(x: number, y: number): [number, number, number, number] {
  let A = 1, B = 0, C = 0, D = 1, next: number;
  while (y !== 0 && y + C !== 0 && y + D !== 0) {
    const q = Math.floor((x + A) / (y + C));
    if (q !== Math.floor((x + B) / (y + D))) break;
    next = A - q * C; A = C; C = next;
    next = B - q * D; B = D; D = next;
    next = x - q * y; x = y; y = next;
  }
  return [A, B, C, D];
}

/** Q + t·G as an SPKI public key, or undefined when t·G = ±Q (a doubling or ∞, left to the reference). */
function shiftedKey(q: PublicPoint, t: bigint): KeyObject | undefined {
  const { curve: c } = q;
  c.ecdh ??= crypto.createECDH(c.name);
  c.ecdh.setPrivateKey(toBytes(t, c.size)); // 1 ≤ t < n
  const tg = c.ecdh.getPublicKey();
  const [tx, ty] = [toBigInt(tg.subarray(1, 1 + c.size)), toBigInt(tg.subarray(1 + c.size))];
  if (tx === q.x) return undefined;
  // SEC 1 §2.2.1 affine addition: λ = (y₂ − y₁)/(x₂ − x₁), x₃ = λ² − x₁ − x₂, y₃ = λ(x₁ − x₃) − y₁.
  const dx = mod(tx - q.x, c.p);
  const lambda = mod((ty - q.y) * modInverse(dx, c.p), c.p);
  const x = mod(lambda * lambda - q.x - tx, c.p);
  const y = mod(lambda * (q.x - x) - q.y, c.p);
  const der = Buffer.concat([c.spkiPrefix, new Uint8Array([4]), toBytes(x, c.size), toBytes(y, c.size)]);
  try {
    return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return undefined; // OpenSSL checks the point is on the curve: a wrong sum is never verified against
  }
}

/** The native check, its verification on the thread pool; undefined for the degenerate inputs it cannot express. */
async function verifyNative(key: KeyObject, q: PublicPoint, e: bigint, r: bigint, signature: Uint8Array): Promise<boolean | undefined> {
  const { curve: c } = q;
  const rInverse = modInverse(r, c.n);
  if ((r * rInverse) % c.n !== 1n) return undefined; // cheap proof the inverse is right
  const t = mod((e - c.e0) * rInverse, c.n);
  const shifted = t === 0n ? key : shiftedKey(q, t);
  return shifted && verifyOffLoop(SHIFT_HASH, EMPTY, shifted, signature);
}

/**
 * Verifies a DER ECDSA signature over an already computed digest, as Go's `ecdsa.VerifyASN1` does: strict DER,
 * 1 ≤ r, s < n, high-S accepted, the digest truncated to the order's bit length. False for anything malformed,
 * including keys other than P-256, P-384 and P-521; never rejects. The shift (one scalar multiplication and an
 * inverse) stays on the event loop; OpenSSL's verification, the larger half, runs on the thread pool.
 */
export async function verifyEcdsaDigest(publicKey: KeyObject, digest: Uint8Array, derSignature: Uint8Array): Promise<boolean> {
  try {
    const q = publicPoint(publicKey);
    if (q === null) return false;
    // noble's DER reader is as strict as Go's cryptobyte: minimal lengths and INTEGERs, no trailing bytes.
    const { r } = q.curve.noble.Signature.fromBytes(derSignature, 'der');
    return (
      (await verifyNative(publicKey, q, digestScalar(q.curve, digest), r, derSignature)) ??
      q.curve.noble.verify(derSignature, digest, q.sec1, { prehash: false, lowS: false, format: 'der' })
    );
  } catch {
    return false;
  }
}
