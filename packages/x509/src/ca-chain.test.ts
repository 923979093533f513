import crypto, { type webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralSigner, createKeySigner, generatePrivateKey, spkiDer } from '@sigbox/core';
import { TEST_CA_TIME, TEST_CA_VALIDITY, type TestCa, createTestCa, openssl, toolAvailable, vectorsDir } from '@sigbox/testkit';
import { peculiar } from './__fixtures__/peculiar.js';
import { createIntermediateCa, createRootCa, keyIdentifier } from './ca-chain.js';
import { parseCertificate, subjectKeyId } from './certificate.js';
import { OID } from './oids.js';
import { validateCaChain } from './validate-chain.js';

const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');
const extensionsOf = (der: Uint8Array) => parseCertificate(der).extensions;

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa({ algorithm: 'ecdsa-p384' });
});

describe('createRootCa / createIntermediateCa', () => {
  it('makes a root per the Fulcio certificate specification: CN + O, KU keyCertSign+cRLSign, CA:TRUE, SKI, no EKU, 20-octet serial', () => {
    const root = new peculiar.X509Certificate(ca.root.der);
    expect(root.subject).toBe('O=sigbox.dev, CN=sigbox');
    expect(root.issuer).toBe(root.subject);
    expect(root.getExtension(peculiar.KeyUsagesExtension)?.usages).toBe(peculiar.KeyUsageFlags.keyCertSign | peculiar.KeyUsageFlags.cRLSign);
    expect(root.getExtension(peculiar.KeyUsagesExtension)?.critical).toBe(true);
    expect(root.getExtension(peculiar.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 1, critical: true });
    expect(root.getExtension(peculiar.ExtendedKeyUsageExtension)).toBeNull();
    expect(root.getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId).toBe(hex(keyIdentifier(spkiDer(ca.root.signer.publicKey))));
    expect(root.serialNumber.length).toBeGreaterThan(30);
    expect(root.serialNumber.length).toBeLessThanOrEqual(40);
    expect(new crypto.X509Certificate(ca.root.der).verify(ca.root.signer.publicKey)).toBe(true);
  });

  it('makes an intermediate with EKU codeSigning, pathlen 0, AKI = root SKI, signed by the root', () => {
    const inter = new peculiar.X509Certificate(ca.intermediate.der);
    expect(inter.issuer).toBe('O=sigbox.dev, CN=sigbox');
    expect(inter.getExtension(peculiar.ExtendedKeyUsageExtension)?.usages).toEqual([OID.codeSigning]);
    expect(inter.getExtension(peculiar.BasicConstraintsExtension)).toMatchObject({ ca: true, pathLength: 0 });
    expect(inter.getExtension(peculiar.AuthorityKeyIdentifierExtension)?.keyId).toBe(hex(subjectKeyId(parseCertificate(ca.root.der))));
    expect(new crypto.X509Certificate(ca.intermediate.der).verify(ca.root.signer.publicKey)).toBe(true);
  });

  it('refuses a parent signer that does not hold the parent certificate key, and empty validity', async () => {
    const other = createEphemeralSigner('ecdsa-p384');
    const subject = { commonName: 'x' };
    await expect(createIntermediateCa({ subject, publicKey: other.publicKey, parent: { certDer: ca.root.der, signer: other }, validity: TEST_CA_VALIDITY })).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
    await expect(createRootCa({ subject, signer: other, validity: { notBefore: TEST_CA_VALIDITY.notAfter, notAfter: TEST_CA_VALIDITY.notBefore } })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  const sigstore = vectorsDir('sigstore');
  it.skipIf(!sigstore)('encodes KU, EKU, basicConstraints and the Name exactly as the public sigstore intermediate', async () => {
    const trusted = JSON.parse(fs.readFileSync(path.join(sigstore as string, 'production.trusted_root.json'), 'utf8'));
    const real = Buffer.from(trusted.certificateAuthorities[1].certChain.certificates[0].rawBytes, 'base64');
    const signer = createEphemeralSigner('ecdsa-p384');
    const ours = await createIntermediateCa({
      subject: { commonName: 'sigstore-intermediate', organization: 'sigstore.dev' },
      publicKey: signer.publicKey,
      parent: { certDer: ca.root.der, signer: ca.root.signer },
      validity: TEST_CA_VALIDITY,
    });
    const pick = (der: Uint8Array) =>
      extensionsOf(der)
        .filter((e) => [OID.keyUsage, OID.extKeyUsage, OID.basicConstraints].includes(e.oid as never))
        .map((e) => ({ ...e, value: hex(e.value) }));
    expect(pick(ours.der)).toEqual(pick(real));
    expect(extensionsOf(ours.der).map((e) => e.oid)).toEqual(extensionsOf(real).map((e) => e.oid)); // KU, EKU, BC, SKI, AKI
    expect(hex(parseCertificate(ours.der).subject)).toBe(hex(parseCertificate(real).subject));
  });
});

describe('validateCaChain', () => {
  it('accepts intermediate → root with the intermediate signer, and a lone root with its signer', () => {
    expect(() => validateCaChain([ca.intermediate.der, ca.root.der], ca.intermediate.signer.publicKey, TEST_CA_TIME)).not.toThrow();
    expect(() => validateCaChain([ca.root.der], ca.root.signer.publicKey, TEST_CA_TIME)).not.toThrow();
  });

  it('rejects the wrong signer key, a broken order, an expired chain and an empty chain', () => {
    const reject = (chain: Uint8Array[], key: crypto.KeyObject, at = TEST_CA_TIME) => expect(() => validateCaChain(chain, key, at)).toThrow(expect.objectContaining({ code: 'INVALID_CHAIN' }));
    reject([ca.intermediate.der, ca.root.der], ca.root.signer.publicKey);
    reject([ca.root.der, ca.intermediate.der], ca.root.signer.publicKey);
    reject([ca.intermediate.der, ca.root.der], ca.intermediate.signer.publicKey, new Date('2040-01-01'));
    reject([], ca.root.signer.publicKey);
  });

  it('rejects a non-CA first certificate and an intermediate whose EKU excludes codeSigning', async () => {
    const rootKey = generatePrivateKey('ecdsa-p256');
    const rootSigner = createKeySigner(rootKey);
    const root = await createRootCa({ subject: { commonName: 'r' }, signer: rootSigner, validity: TEST_CA_VALIDITY });
    const signingKey = rootKey.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const childKeys = (await crypto.webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const issue = async (isCa: boolean, ekus: string[]) =>
      new Uint8Array((await peculiar.X509CertificateGenerator.create({
        issuer: new peculiar.X509Certificate(root.der).subject, subject: 'CN=child', serialNumber: '0a', notBefore: TEST_CA_VALIDITY.notBefore, notAfter: TEST_CA_VALIDITY.notAfter,
        publicKey: childKeys.publicKey, signingKey, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        extensions: [new peculiar.BasicConstraintsExtension(isCa, undefined, true), new peculiar.ExtendedKeyUsageExtension(ekus),
          new peculiar.AuthorityKeyIdentifierExtension(hex(subjectKeyId(parseCertificate(root.der))))],
      })).rawData);
    const childKey = crypto.KeyObject.from(childKeys.publicKey);
    const good = await issue(true, [OID.codeSigning]);
    expect(() => validateCaChain([good, root.der], childKey, TEST_CA_TIME)).not.toThrow(); // the control: only one property changes below
    const notCa = await issue(false, [OID.codeSigning]);
    const serverAuthOnly = await issue(true, ['1.3.6.1.5.5.7.3.1']);
    expect(() => validateCaChain([notCa, root.der], childKey, TEST_CA_TIME)).toThrow(/not a CA/);
    expect(() => validateCaChain([serverAuthOnly, root.der], childKey, TEST_CA_TIME)).toThrow(/code signing/);
  });
});

describe.skipIf(!toolAvailable('openssl', 'cross-checks the CA chain with OpenSSL'))('openssl', () => {
  it('reads the root and intermediate as CA certificates', () => {
    const text = openssl(['x509', '-inform', 'DER', '-text', '-noout'], ca.intermediate.der);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/Extended Key Usage: \s*\n\s+Code Signing/);
  });
});
