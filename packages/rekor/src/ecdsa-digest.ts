import crypto, { type KeyObject } from 'node:crypto';
import { EMPTY, SHIFT_HASH, type PublicPoint, digestScalar, mod, publicKeyOfSpki, toBigInt, toBytes } from './ec-point.js';
import { verifyOffLoop } from './verify-off-loop.js';
import { VerifyingKey } from './verifying-key.js';

/*
 * ECDSA verification over a digest the client already computed (hashedrekord) at node:crypto speed.
 * crypto.verify always hashes, so the check is moved onto a digest it can produce: e₀ = H(EMPTY). SEC 1 §4.1.4
 * accepts (r, s) on e under Q iff R = (e/s)·G + (r/s)·Q is not ∞ and x(R) mod n = r. With t = (e − e₀)/r mod n
 * and Q' = Q + t·G, the point crypto.verify forms for (r, s) on e₀ under Q' is (e₀/s)·G + (r/s)·(Q + t·G) =
 * ((e₀ + r·t)/s)·G + (r/s)·Q = R, the same point, so OpenSSL's own verification decides. t·G comes natively
 * with both coordinates (ECDH setPrivateKey + getPublicKey); Q + t·G is one affine addition in BigInt.
 * The only inputs this cannot express (t·G = ±Q: a doubling or ∞) go to @noble/curves, the reference.
 */

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
    return publicKeyOfSpki(der);
  } catch {
    return undefined; // OpenSSL checks the point is on the curve: a wrong sum is never verified against
  }
}

/** The native check, its verification on the thread pool; undefined for the degenerate inputs it cannot express. */
async function verifyNative(key: VerifyingKey, q: PublicPoint, e: bigint, r: bigint, signature: Uint8Array): Promise<boolean | undefined> {
  const { curve: c } = q;
  const rInverse = modInverse(r, c.n);
  if ((r * rInverse) % c.n !== 1n) return undefined; // cheap proof the inverse is right
  const t = mod((e - c.e0) * rInverse, c.n);
  const shifted = t === 0n ? key.keyObject : shiftedKey(q, t);
  return shifted && verifyOffLoop(SHIFT_HASH, EMPTY, shifted, signature);
}

/**
 * Verifies a DER ECDSA signature over an already computed digest, as Go's `ecdsa.VerifyASN1` does: strict DER,
 * 1 ≤ r, s < n, high-S accepted, the digest truncated to the order's bit length. False for anything malformed,
 * including keys other than P-256, P-384 and P-521; never rejects. The shift (one scalar multiplication and an
 * inverse) stays on the event loop; OpenSSL's verification, the larger half, runs on the thread pool. The key is a
 * KeyObject or, cheaper, a VerifyingKey read from the request's bytes (no KeyObject made unless t = 0).
 */
export async function verifyEcdsaDigest(publicKey: KeyObject | VerifyingKey, digest: Uint8Array, derSignature: Uint8Array): Promise<boolean> {
  try {
    const key = publicKey instanceof VerifyingKey ? publicKey : VerifyingKey.fromKeyObject(publicKey);
    const q = key.point;
    if (q === null) return false;
    // noble's DER reader is as strict as Go's cryptobyte: minimal lengths and INTEGERs, no trailing bytes.
    const { r } = q.curve.noble.Signature.fromBytes(derSignature, 'der');
    return (
      (await verifyNative(key, q, digestScalar(q.curve, digest), r, derSignature)) ??
      q.curve.noble.verify(derSignature, digest, q.sec1, { prehash: false, lowS: false, format: 'der' })
    );
  } catch {
    return false;
  }
}
