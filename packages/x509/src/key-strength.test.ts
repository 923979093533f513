import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spkiDer } from '@sigbox/core';
import { pointReencoded } from './__fixtures__/ec-point.js';
import { checkKeyStrength } from './key-strength.js';

const spkiOf = (pair: { publicKey: crypto.KeyObject }) => spkiDer(pair.publicKey);

describe('checkKeyStrength', () => {
  it.each([
    ['P-256', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ecdsa-p256'],
    ['P-384', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'ecdsa-p384'],
    ['P-521', () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }), 'ecdsa-p521'],
    ['Ed25519', () => crypto.generateKeyPairSync('ed25519'), 'ed25519'],
    ['RSA-2048', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }), 'rsa'],
    ['RSA-3072', () => crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }), 'rsa'],
  ])('accepts %s', (_name, make, algorithm) => {
    expect(checkKeyStrength(spkiOf(make())).algorithm).toBe(algorithm);
  });

  it.each([
    ['RSA-1024', () => crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }), /rsa key size 1024/],
    ['RSA-2056 (not a sigstore size)', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2056 }), /rsa key size 2056/],
    ['RSA-2048 with e = 3', () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 }), /exponent/],
    ['secp256k1', () => crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }), /secp256k1/],
    ['Ed448', () => crypto.generateKeyPairSync('ed448'), /ed448/],
  ])('rejects %s as INSECURE_KEY', (_name, make, message) => {
    expect(() => checkKeyStrength(spkiOf(make()))).toThrow(expect.objectContaining({ code: 'INSECURE_KEY', message: expect.stringMatching(message) }));
  });

  it('rejects bytes that are not an SPKI as INVALID_KEY, and private keys', () => {
    expect(() => checkKeyStrength(Uint8Array.of(0x30, 0x03, 1, 2, 3))).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    expect(() => checkKeyStrength(crypto.generateKeyPairSync('ed25519').privateKey)).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('accepts exactly the byte strings node:crypto accepts as a DER SPKI (the PEM route changes speed, not meaning)', () => {
    const spki = spkiOf(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }));
    const offCurve = Uint8Array.from(spki);
    offCurve[offCurve.length - 1]! ^= 1;
    const pkcs1 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'pkcs1' });
    const inputs: Uint8Array[] = [spki, Buffer.concat([spki, Uint8Array.of(0, 0)]), spki.subarray(0, 60), offCurve, new Uint8Array(pkcs1), new Uint8Array(), spki.subarray(1)];
    const verdicts = inputs.map((input) => {
      let der = true;
      try { crypto.createPublicKey({ key: Buffer.from(input), format: 'der', type: 'spki' }); } catch { der = false; }
      let ours = true;
      try { checkKeyStrength(input); } catch (err) { expect(err).toMatchObject({ code: 'INVALID_KEY' }); ours = false; }
      return [der, ours];
    });
    expect(verdicts.map(([der]) => der)).toEqual([true, true, false, false, false, false, false]);
    for (const [der, ours] of verdicts) expect(ours).toBe(der);
  });

  // Go reads EC points uncompressed only (crypto/x509 ParsePKIXPublicKey at go1.26); OpenSSL takes all three forms.
  it.each([
    ['P-256', 'prime256v1', 'ecdsa-p256'], ['P-384', 'secp384r1', 'ecdsa-p384'], ['P-521', 'secp521r1', 'ecdsa-p521'], ['secp256k1', 'secp256k1', undefined],
  ] as const)('refuses a %s key whose point is compressed or hybrid as INVALID_KEY, though OpenSSL reads it', (curve, name, algorithm) => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    const forms = Object.fromEntries((['uncompressed', 'compressed', 'hybrid'] as const).map((form) => [form, pointReencoded(publicKey, name, form)]));
    expect(forms.uncompressed).toEqual(new Uint8Array(spkiDer(publicKey)));
    for (const form of ['compressed', 'hybrid'] as const) {
      expect(crypto.createPublicKey({ key: Buffer.from(forms[form]!), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve).toBe(name);
      expect(() => checkKeyStrength(forms[form]!)).toThrow(expect.objectContaining({ code: 'INVALID_KEY', message: expect.stringMatching(/not the uncompressed form/) }));
    }
    if (algorithm) expect(checkKeyStrength(forms.uncompressed!).algorithm).toBe(algorithm);
    else expect(() => checkKeyStrength(forms.uncompressed!)).toThrow(expect.objectContaining({ code: 'INSECURE_KEY' }));
  });

  it('names the curve of uncompressed SPKIs from their header or by asking the key', () => {
    for (const [curve, algorithm] of [['P-256', 'ecdsa-p256'], ['P-384', 'ecdsa-p384'], ['P-521', 'ecdsa-p521']] as const) {
      const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      expect([checkKeyStrength(spkiDer(publicKey)).algorithm, checkKeyStrength(publicKey).algorithm]).toEqual([algorithm, algorithm]);
    }
  });
});
