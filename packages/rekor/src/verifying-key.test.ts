import crypto from 'node:crypto';
import fc from 'fast-check';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { EC_SPKI_PREFIX, encoding, keyAlgorithm, spkiDer } from '@sigbox/core';
import { readEcSpki, toBigInt } from './ec-point.js';
import { parseX509Verifier } from './public-key.js';
import { VerifyingKey } from './verifying-key.js';

const CURVES = [
  { name: 'P-256', algorithm: 'ecdsa-p256', noble: p256 },
  { name: 'P-384', algorithm: 'ecdsa-p384', noble: p384 },
  { name: 'P-521', algorithm: 'ecdsa-p521', noble: p521 },
] as const;

const spkiOf = (key: crypto.KeyObject) => encoding.asBytes(key.export({ format: 'der', type: 'spki' }));
const opensslReads = (der: Uint8Array): crypto.KeyObject | undefined => {
  try {
    return crypto.createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
};

/** An SPKI whose point is (x, y) as written, each coordinate `size` bytes. */
function spkiWithPoint(curve: (typeof CURVES)[number], x: bigint, y: bigint): Uint8Array {
  const size = curve.noble.Point.Fp.BYTES;
  const hex = (v: bigint) => encoding.fromHex(v.toString(16).padStart(size * 2, '0'));
  return encoding.concatBytes(EC_SPKI_PREFIX[curve.algorithm], new Uint8Array([4]), hex(x), hex(y));
}

describe('readEcSpki against OpenSSL', () => {
  for (const curve of CURVES) {
    it(`reads ${curve.name} keys as OpenSSL does: the same point, the input its own canonical encoding`, () => {
      for (let i = 0; i < 20; i++) {
        const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve.name });
        const der = spkiOf(publicKey);
        const point = readEcSpki(der);
        const jwk = publicKey.export({ format: 'jwk' });
        expect(point?.curve.algorithm).toBe(curve.algorithm);
        expect(point?.x).toBe(toBigInt(encoding.fromBase64Url(jwk.x ?? '')));
        expect(point?.y).toBe(toBigInt(encoding.fromBase64Url(jwk.y ?? '')));
        const key = VerifyingKey.fromSpki(der);
        expect(key.algorithm).toBe(keyAlgorithm(publicKey));
        expect(key.spki).toEqual(spkiDer(publicKey));
        expect(spkiOf(key.keyObject)).toEqual(der);
      }
    });

    it(`agrees with OpenSSL on mutated ${curve.name} keys: read here only if OpenSSL loads them and re-exports them unchanged`, () => {
      const der = spkiOf(crypto.generateKeyPairSync('ec', { namedCurve: curve.name }).publicKey);
      fc.assert(
        fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: -2, max: 2 }), (at, flip, resize) => {
          const bytes = Uint8Array.from(der);
          bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ flip;
          const mutated = resize >= 0 ? encoding.concatBytes(bytes, new Uint8Array(resize)) : bytes.subarray(0, bytes.length + resize);
          const ours = readEcSpki(mutated);
          const theirs = opensslReads(mutated);
          // OpenSSL 3 keeps a loaded point's form, so a hybrid point (0x06/0x07, same length) it accepts re-exports
          // unchanged too; only the uncompressed form (0x04) is read here, the rest takes OpenSSL's path.
          const uncompressed = mutated[EC_SPKI_PREFIX[curve.algorithm].length] === 4;
          const canonical = theirs !== undefined && uncompressed && Buffer.compare(spkiOf(theirs), mutated) === 0;
          expect(ours !== null).toBe(canonical);
        }),
        { numRuns: 400 },
      );
    });

    it(`leaves a hybrid ${curve.name} point (0x06/0x07) to OpenSSL, which reads the same key`, () => {
      const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve.name });
      const der = spkiOf(publicKey);
      const point = readEcSpki(der);
      if (point === null) throw new Error('unreadable test key');
      const hybrid = Uint8Array.from(der);
      hybrid[EC_SPKI_PREFIX[curve.algorithm].length] = point.y % 2n === 0n ? 6 : 7;
      expect(readEcSpki(hybrid)).toBeNull();
      const theirs = opensslReads(hybrid);
      expect(theirs).toBeDefined();
      if (theirs !== undefined) expect(spkiOf(theirs)).toEqual(hybrid); // the form is kept: why the property above asks for 0x04
      const key = VerifyingKey.fromSpki(hybrid);
      expect(key.point?.x).toBe(point.x);
      const signature = crypto.sign('sha256', Buffer.from('hybrid'), privateKey);
      expect(crypto.verify('sha256', Buffer.from('hybrid'), key.keyObject, signature)).toBe(true);
    });

    it(`refuses ${curve.name} points off the curve, coordinates ≥ p and the compressed form, as OpenSSL's path decides`, () => {
      const { p, b } = curve.noble.Point.CURVE();
      const Fp = curve.noble.Point.Fp;
      const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve.name });
      const point = readEcSpki(spkiOf(publicKey));
      if (point === null) throw new Error('unreadable test key');
      // Off the curve: y + 1.
      const off = spkiWithPoint(curve, point.x, (point.y + 1n) % p);
      expect(readEcSpki(off)).toBeNull();
      expect(opensslReads(off)).toBeUndefined();
      expect(() => VerifyingKey.fromSpki(off)).toThrow();
      // x + p and y + p still fit the field's width (p is just under 2^8·size): the same point mod p, not allowed.
      let x = 0n;
      let y: bigint | undefined;
      for (; y === undefined; x++) {
        try {
          y = Fp.sqrt(Fp.create(x * x * x - 3n * x + b));
        } catch {
          y = undefined;
        }
      }
      x -= 1n;
      expect(readEcSpki(spkiWithPoint(curve, x, y))).not.toBeNull();
      const fits = (v: bigint) => v < 1n << BigInt(8 * Fp.BYTES);
      const other = p - y; // the point's negation: whichever of y and p − y leaves room for + p
      const wides = [spkiWithPoint(curve, x + p, y), ...[y, other].filter((v) => fits(v + p)).map((v) => spkiWithPoint(curve, x, v + p))];
      expect(wides.length).toBeGreaterThan(0);
      for (const wide of wides) {
        expect(readEcSpki(wide)).toBeNull();
        expect(opensslReads(wide)).toBeUndefined();
      }
      // Compressed: OpenSSL's path (a KeyObject at once), the same point, the encoding OpenSSL exports (as before).
      const compressed = encoding.asBytes(crypto.ECDH.convertKey(point.sec1, curve.noble === p256 ? 'prime256v1' : curve.noble === p384 ? 'secp384r1' : 'secp521r1', undefined, undefined, 'compressed') as Buffer);
      const viaOpenSsl = opensslReads(rewrap(curve.algorithm, compressed));
      expect(viaOpenSsl).toBeDefined();
      if (viaOpenSsl !== undefined) {
        const der = rewrap(curve.algorithm, compressed);
        expect(readEcSpki(der)).toBeNull();
        const key = VerifyingKey.fromSpki(der);
        expect(key.point?.x).toBe(point.x);
        expect(key.spki).toEqual(spkiOf(viaOpenSsl));
      }
    });
  }

  it('leaves other key types to OpenSSL', () => {
    for (const key of [
      crypto.generateKeyPairSync('ed25519').publicKey,
      crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
      crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
    ]) {
      const der = spkiOf(key);
      expect(readEcSpki(der)).toBeNull();
      const verifying = VerifyingKey.fromSpki(der);
      expect(verifying.spki).toEqual(der);
      expect(verifying.point).toBeNull();
    }
    expect(VerifyingKey.fromSpki(spkiOf(crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)).modulusBits).toBe(2048);
  });

  it("keeps parseX509Verifier's canonical PEM Go's re-encoding", () => {
    for (const curve of CURVES) {
      const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve.name });
      const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
      expect(parseX509Verifier(encoding.utf8(pem)).canonicalPem).toBe(pem);
    }
  });
});

const derLength = (n: number): number[] => (n < 0x80 ? [n] : [0x81, n]);

/** An SPKI of `point` (any SEC 1 form) on the curve of `algorithm`: the prefix's AlgorithmIdentifier, a new BIT STRING. */
function rewrap(algorithm: keyof typeof EC_SPKI_PREFIX, point: Uint8Array): Uint8Array {
  const prefix = EC_SPKI_PREFIX[algorithm];
  const algStart = prefix[1] === 0x81 ? 3 : 2;
  const algId = prefix.subarray(algStart, algStart + 2 + (prefix[algStart + 1] as number));
  const bitString = encoding.concatBytes(new Uint8Array([0x03, ...derLength(point.length + 1), 0]), point);
  const body = encoding.concatBytes(algId, bitString);
  return encoding.concatBytes(new Uint8Array([0x30, ...derLength(body.length)]), body);
}
