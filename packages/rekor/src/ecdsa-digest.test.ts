import crypto, { type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { modInverse, verifyEcdsaDigest } from './ecdsa-digest.js';
import { VerifyingKey } from './verifying-key.js';

const CURVES = [
  { name: 'P-256', noble: p256 },
  { name: 'P-384', noble: p384 },
  { name: 'P-521', noble: p521 },
] as const;
type TestCurve = (typeof CURVES)[number];
const HASHES = ['sha256', 'sha384', 'sha512'] as const;

interface TestKey {
  curve: TestCurve;
  publicKey: KeyObject;
  privateKey: KeyObject;
  sec1: Uint8Array;
  spki: Uint8Array;
  d: bigint;
}

function testKey(curve: TestCurve): TestKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve.name });
  const jwk = privateKey.export({ format: 'jwk' });
  const [x, y, d] = [jwk.x, jwk.y, jwk.d].map((v) => encoding.fromBase64Url(v ?? '')) as [Uint8Array, Uint8Array, Uint8Array];
  return { curve, publicKey, privateKey, sec1: encoding.concatBytes(new Uint8Array([4]), x, y), spki: encoding.asBytes(publicKey.export({ format: 'der', type: 'spki' })), d: BigInt(`0x${encoding.toHex(d)}`) };
}

const keys = CURVES.map((c) => [testKey(c), testKey(c)] as const);
const order = (curve: TestCurve) => curve.noble.Point.CURVE().n;
const byteLength = (curve: TestCurve) => curve.noble.Point.Fn.BYTES;

/** What verifyPrehashed used before: noble over the digest, Go's VerifyASN1 semantics (high-S accepted). */
function nobleVerify(key: TestKey, digest: Uint8Array, sig: Uint8Array): boolean {
  try {
    return key.curve.noble.verify(sig, digest, key.sec1, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}

// Hand-built DER (X.690 §8.3, §8.9) so malformed encodings can be written on purpose.
const tlv = (tag: number, body: Uint8Array) =>
  encoding.concatBytes(new Uint8Array(body.length < 0x80 ? [tag, body.length] : [tag, 0x81, body.length]), body);
const minimal = (value: bigint) => {
  const hex = value.toString(16).padStart(2, '0');
  const bytes = encoding.fromHex(hex.length % 2 ? `0${hex}` : hex);
  return (bytes[0] as number) & 0x80 ? encoding.concatBytes(new Uint8Array([0]), bytes) : bytes;
};
/** The digest whose leftmost bitlen(n) bits are e (SEC 1 §4.1.4 step 3 read backwards). */
const digestOf = (curve: TestCurve, e: bigint) =>
  encoding.fromHex((e << BigInt(byteLength(curve) * 8 - curve.noble.Point.Fn.BITS)).toString(16).padStart(byteLength(curve) * 2, '0'));
const derSig = (r: bigint, s: bigint) => tlv(0x30, encoding.concatBytes(tlv(0x02, minimal(r)), tlv(0x02, minimal(s))));
const rsOf = (key: TestKey, sig: Uint8Array) => key.curve.noble.Signature.fromBytes(sig, 'der');

function signed(key: TestKey, hash: (typeof HASHES)[number], message: Uint8Array) {
  return { digest: encoding.asBytes(crypto.hash(hash, message, 'buffer')), sig: encoding.asBytes(crypto.sign(hash, message, key.privateKey)) };
}

/**
 * The two ways a key reaches verifyEcdsaDigest: a KeyObject (point from its JWK export) and a request's SPKI bytes
 * (verifying-key.ts, point read from the bytes, no KeyObject unless the shift degenerates). Every check runs on both.
 */
const KEY_FORMS: Readonly<Record<string, (key: TestKey) => KeyObject | VerifyingKey>> = {
  KeyObject: (key) => key.publicKey,
  'SPKI bytes': (key) => VerifyingKey.fromSpki(key.spki),
};

describe.each(Object.keys(KEY_FORMS))('verifyEcdsaDigest, the key as %s', (form) => {
  const asKey = KEY_FORMS[form] as (key: TestKey) => KeyObject | VerifyingKey;
  for (const [key, other] of keys) {
    const { name } = key.curve;

    it.each(HASHES)(`accepts ${name} signatures node:crypto made with %s, verified over the digest`, async (hash) => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (message, useOther) => {
          const signer = useOther ? other : key;
          const { digest, sig } = signed(signer, hash, message);
          expect(await verifyEcdsaDigest(asKey(signer), digest, sig)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it(`agrees with noble on ${name} signatures with any bit flipped: rejected unless truncated away`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom(...HASHES), fc.nat(), async (message, hash, at) => {
          const { digest, sig } = signed(key, hash, message);
          const both = encoding.concatBytes(digest, sig);
          const bit = at % (both.length * 8);
          both[bit >> 3] = (both[bit >> 3] as number) ^ (1 << (bit & 7));
          const [d, s] = [both.subarray(0, digest.length), both.subarray(digest.length)];
          expect(await verifyEcdsaDigest(asKey(key), d, s)).toBe(nobleVerify(key, d, s));
          // Digest bytes past the order's length are truncated away (P-256 or P-384 with SHA-512): still valid.
          expect(await verifyEcdsaDigest(asKey(key), d, s)).toBe(bit >> 3 >= byteLength(key.curve) && bit >> 3 < digest.length);
        }),
        { numRuns: 40 },
      );
    });

    it(`agrees with noble on random in-range ${name} (r, s) over random digests`, async () => {
      const n = order(key.curve);
      const scalar = fc.bigInt({ min: 1n, max: n - 1n });
      await fc.assert(
        fc.asyncProperty(scalar, scalar, fc.uint8Array({ minLength: 32, maxLength: 64 }), async (r, s, digest) => {
          const sig = derSig(r, s);
          expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(nobleVerify(key, digest, sig));
        }),
        { numRuns: 20 },
      );
    });

    it(`rejects a ${name} signature under another key`, async () => {
      const { digest, sig } = signed(key, 'sha256', encoding.utf8('hello'));
      expect(await verifyEcdsaDigest(asKey(other), digest, sig)).toBe(false);
    });

    it(`accepts the high-S twin of a ${name} signature, as Go's ecdsa.VerifyASN1 does`, async () => {
      const { digest, sig } = signed(key, 'sha512', encoding.utf8('malleable'));
      const { r, s } = rsOf(key, sig);
      const twin = derSig(r, order(key.curve) - s);
      expect(await verifyEcdsaDigest(asKey(key), digest, twin)).toBe(true);
      expect(nobleVerify(key, digest, twin)).toBe(true);
    });

    it(`accepts ${name} signatures on the empty message with SHA-256 (the key is not shifted at all)`, async () => {
      const { digest, sig } = signed(key, 'sha256', new Uint8Array(0));
      expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(true);
      digest[0] = (digest[0] as number) ^ 1;
      expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(false);
    });

    it(`decides ${name} signatures whose shift t·G is ±Q (doubling and ∞) through the reference`, async () => {
      // Built by hand so that t = (e − e₀)/r is ±d: t·G is the key itself or its negation.
      const { noble } = key.curve;
      const n = order(key.curve);
      const e0 = BigInt(`0x${crypto.hash('sha256', '', 'hex')}`);
      for (const sign of [1n, -1n]) {
        const k = 0x1234567n + sign;
        const r = noble.Point.BASE.multiply(k).toAffine().x % n;
        const e = (((e0 + sign * r * key.d) % n) + n) % n;
        const s = (modInverse(k, n) * (e + r * key.d)) % n;
        const digest = digestOf(key.curve, e);
        expect(await verifyEcdsaDigest(asKey(key), digest, derSig(r, s))).toBe(true);
        expect(await verifyEcdsaDigest(asKey(key), digest, derSig(r, (s + 1n) % n))).toBe(false);
      }
    });
  }

  it('truncates a digest longer than the order to its leftmost bits, not bytes (P-521: 521 of 528)', async () => {
    const [key] = keys[2] as readonly [TestKey, TestKey];
    const digest = encoding.asBytes(crypto.randomBytes(66));
    digest[0] = 0xff;
    const sig = p521.sign(digest, encoding.fromHex(key.d.toString(16).padStart(132, '0')), { prehash: false, format: 'der' });
    expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(true);
    // The 7 low bits of the last byte fall outside the 521 bits: flipping one changes nothing.
    digest[65] = (digest[65] as number) ^ 1;
    expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(true);
    digest[0] = 0x7f;
    expect(await verifyEcdsaDigest(asKey(key), digest, sig)).toBe(false);
  });
});

describe.each(Object.keys(KEY_FORMS))('verifyEcdsaDigest on malformed input, the key as %s', (form) => {
  const asKey = KEY_FORMS[form] as (key: TestKey) => KeyObject | VerifyingKey;
  const [key] = keys[0] as readonly [TestKey, TestKey];
  const n = order(key.curve);
  const { digest, sig } = signed(key, 'sha256', encoding.utf8('strict DER'));
  const { r, s } = rsOf(key, sig);
  const int = (bytes: Uint8Array) => tlv(0x02, bytes);
  const seq = (...parts: Uint8Array[]) => tlv(0x30, encoding.concatBytes(...parts));
  const withZero = (value: bigint) => encoding.concatBytes(new Uint8Array([0]), encoding.fromHex(value.toString(16).padStart(64, '0')));

  it('still accepts the well-formed original', async () => {
    expect(await verifyEcdsaDigest(asKey(key), digest, derSig(r, s))).toBe(true);
  });

  it.each<[string, Uint8Array]>([
    ['r = 0', derSig(0n, s)],
    ['s = 0', derSig(r, 0n)],
    ['r = n', derSig(n, s)],
    ['s = n', derSig(r, n)],
    ['r + n', derSig(r + n, s)],
    ['s + n', derSig(r, s + n)],
    ['a negative r (top bit set, no 00 pad)', seq(int(encoding.fromHex(`ff${r.toString(16).padStart(64, '0')}`).subarray(0, 33)), int(minimal(s)))],
    ['a non-minimal r (00 pad before a byte below 80)', seq(int(withZero(r >> 1n)), int(minimal(s)))],
    ['an empty INTEGER', seq(int(new Uint8Array(0)), int(minimal(s)))],
    ['trailing bytes after the SEQUENCE', encoding.concatBytes(derSig(r, s), new Uint8Array([0]))],
    ['trailing bytes inside the SEQUENCE', seq(int(minimal(r)), int(minimal(s)), new Uint8Array([0x05, 0x00]))],
    ['a long-form length under 128', encoding.concatBytes(new Uint8Array([0x30, 0x81, sig.length - 2]), sig.subarray(2))],
    ['an indefinite length', encoding.concatBytes(new Uint8Array([0x30, 0x80]), sig.subarray(2), new Uint8Array([0, 0]))],
    ['a SET instead of a SEQUENCE', encoding.concatBytes(new Uint8Array([0x31]), sig.subarray(1))],
    ['the raw r ‖ s (P1363) form', encoding.concatBytes(withZero(r).subarray(1), withZero(s).subarray(1))],
    ['no signature', new Uint8Array(0)],
  ])('rejects %s, as Go and noble do', async (_, bad) => {
    expect(await verifyEcdsaDigest(asKey(key), digest, bad)).toBe(false);
    expect(nobleVerify(key, digest, bad)).toBe(false);
  });

  it.each<[string, KeyObject]>([
    ['Ed25519', crypto.generateKeyPairSync('ed25519').publicKey],
    ['RSA', crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey],
    ['secp256k1', crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey],
    ['brainpoolP256r1 (no JWK form)', crypto.generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey],
  ])('answers false for a %s key', async (_, other) => {
    const asInput = form === 'KeyObject' ? other : VerifyingKey.fromSpki(other.export({ format: 'der', type: 'spki' }));
    expect(await verifyEcdsaDigest(asInput, digest, sig)).toBe(false);
  });

  it('never rejects on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), async (d, bytes) => {
        expect(await verifyEcdsaDigest(asKey(key), d, bytes)).toBe(false);
      }),
    );
  });
});

describe('modInverse (Lehmer)', () => {
  const moduli = CURVES.flatMap(({ noble }) => [noble.Point.CURVE().n, noble.Point.CURVE().p]);

  it.each(moduli.map((m) => [m.toString(16).slice(0, 12), m] as const))('inverts mod %s…', (_, m) => {
    const edges = [1n, 2n, 3n, m - 1n, m - 2n, (1n << 48n) - 1n, 1n << 48n, (1n << 48n) + 1n, 1n << 200n, m >> 1n];
    for (const a of edges) expect((a * modInverse(a, m)) % m).toBe(1n);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: m - 1n }), (a) => {
        const inverse = modInverse(a, m);
        expect(inverse >= 0n && inverse < m).toBe(true);
        expect((a * inverse) % m).toBe(1n);
      }),
      { numRuns: 300 },
    );
  });
});
