import crypto, { type webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, fromPem, spkiDer, toPem } from '@sigbox/core';
import { openssl, toolAvailable } from '@sigbox/testkit';
import { pointReencoded } from './__fixtures__/ec-point.js';
import { peculiar } from './__fixtures__/peculiar.js';
import { createIntermediateCsr, parseCsr } from './csr.js';
import { bitString, encode, integer, oid, sequence, explicit } from './der.js';

type Params = webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams | webcrypto.Algorithm;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;

async function makeCsr(keyParams: Params, signingAlgorithm: SigningAlgorithm) {
  const keys = (await crypto.webcrypto.subtle.generateKey(keyParams as webcrypto.EcKeyGenParams, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  // A client may put anything in subject and extensions; none of it may matter.
  const csr = await peculiar.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=evil, O=attacker', keys, signingAlgorithm,
    extensions: [new peculiar.BasicConstraintsExtension(true, 5, true), new peculiar.SubjectAlternativeNameExtension([{ type: 'email', value: 'root@example.com' }])],
  });
  return { pem: csr.toString('pem'), der: new Uint8Array(csr.rawData), spki: spkiDer(crypto.KeyObject.from(keys.publicKey)) };
}

describe('parseCsr', () => {
  it.each([
    ['P-256 / SHA-256', { name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }, 'sha256'],
    ['P-384 / SHA-384', { name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }, 'sha384'],
    ['P-384 / SHA-256 (policy decides)', { name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-256' }, 'sha256'],
    ['RSA-2048 / SHA-256', { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }, 'sha256'],
    ['Ed25519', { name: 'Ed25519' }, { name: 'Ed25519' }, null],
  ])('returns only the key of a %s CSR, with the hash its signature used', async (_name, keyParams, signing, hash) => {
    const { pem, der, spki } = await makeCsr(keyParams, signing);
    for (const input of [pem, der, new TextEncoder().encode(pem), pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')]) {
      const parsed = parseCsr(input);
      expect(Buffer.from(parsed.publicKeySpki).equals(Buffer.from(spki))).toBe(true);
      expect(parsed.hash).toBe(hash);
      expect(Object.keys(parsed).sort()).toEqual(['hash', 'publicKey', 'publicKeySpki']);
    }
  });

  it('rejects a CSR whose self-signature does not verify', async () => {
    const { der } = await makeCsr({ name: 'ECDSA', namedCurve: 'P-256' } as webcrypto.EcKeyGenParams, { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.EcdsaParams);
    const tampered = der.slice();
    // Flip a byte inside the subject CN ("evil"), which the signature covers.
    const at = Buffer.from(tampered).indexOf(Buffer.from('evil'));
    tampered[at] = (tampered[at] as number) ^ 0x01;
    expect(() => parseCsr(tampered)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it('rejects garbage, other PEM types, weak keys and unknown signature algorithms', async () => {
    expect(() => parseCsr('not a csr')).toThrow(expect.objectContaining({ code: 'INVALID_CSR' }));
    expect(() => parseCsr(toPem('CERTIFICATE', new Uint8Array([0x30, 0])))).toThrow(expect.objectContaining({ code: 'INVALID_CSR' }));
    const rsa1024 = await makeCsr({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as webcrypto.RsaHashedKeyGenParams, { name: 'RSASSA-PKCS1-v1_5' });
    expect(() => parseCsr(rsa1024.der)).toThrow(expect.objectContaining({ code: 'INSECURE_KEY' }));
    const pss = await makeCsr({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as webcrypto.RsaHashedKeyGenParams, { name: 'RSA-PSS', saltLength: 32 } as webcrypto.Algorithm);
    expect(() => parseCsr(pss.der)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_SIGNATURE_ALGORITHM', message: expect.stringContaining('1.2.840.113549.1.1.10') }));
  });
});

/** A CSR over exactly these SPKI bytes, empty subject, no attributes, ECDSA with SHA-256 by `privateKey`. */
function csrOver(spki: Uint8Array, privateKey: crypto.KeyObject): Uint8Array {
  const info = encode(sequence(integer(0n), sequence(), spki, explicit(0)));
  return encode(sequence(info, sequence(oid('1.2.840.10045.4.3.2')), bitString(crypto.sign('sha256', info, privateKey))));
}

describe('parseCsr and the form of an EC point', () => {
  // Go's x509.ParseCertificateRequest parses the key too, and takes an uncompressed point only: Fulcio answers a
  // compressed or hybrid one as a CSR that could not be parsed.
  it('refuses a CSR whose key has a compressed or hybrid point as INVALID_CSR, and takes the same CSR uncompressed', () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(parseCsr(csrOver(pointReencoded(publicKey, 'prime256v1', 'uncompressed'), privateKey)).hash).toBe('sha256');
    for (const form of ['compressed', 'hybrid'] as const) {
      const csr = csrOver(pointReencoded(publicKey, 'prime256v1', form), privateKey);
      expect(() => parseCsr(csr)).toThrow(expect.objectContaining({ code: 'INVALID_CSR', message: expect.stringMatching(/uncompressed/) }));
    }
  });
});

describe('createIntermediateCsr', () => {
  it('makes a CSR this package and @peculiar/x509 both verify, carrying the signer key and the CA extension request', async () => {
    const signer = createEphemeralSigner('ecdsa-p384');
    const pem = await createIntermediateCsr({ subject: { commonName: 'sigbox-intermediate', organization: 'sigbox.dev' }, signer });
    expect(Buffer.from(parseCsr(pem).publicKeySpki).equals(Buffer.from(spkiDer(signer.publicKey)))).toBe(true);
    const csr = new peculiar.Pkcs10CertificateRequest(fromPem(pem, 'CERTIFICATE REQUEST'));
    expect(await csr.verify()).toBe(true);
    expect(csr.subject).toBe('O=sigbox.dev, CN=sigbox-intermediate');
    const find = <T>(type: new (...args: never[]) => T) => csr.extensions.find((e): e is peculiar.Extension & T => e instanceof type);
    expect(find(peculiar.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0, critical: true });
    expect(find(peculiar.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.3']);
    expect(find(peculiar.KeyUsagesExtension)?.usages).toBe(peculiar.KeyUsageFlags.keyCertSign | peculiar.KeyUsageFlags.cRLSign);
  });

  it.skipIf(!toolAvailable('openssl', 'verifies the CSR with OpenSSL'))('is accepted by openssl req -verify', async () => {
    const pem = await createIntermediateCsr({ subject: { commonName: 'sigbox-intermediate' }, signer: createEphemeralSigner('ecdsa-p256') });
    expect(openssl(['req', '-verify', '-noout', '-text'], pem)).toContain('CA:TRUE, pathlen:0');
  });
});
