import crypto from 'node:crypto';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KeyAlgorithm, createEphemeralSigner, spkiDer } from '@sigbox/core';
import { TEST_CA_TIME, type TestCa, createTestCa, openssl, toolAvailable } from '@sigbox/testkit';
import { peculiar } from './__fixtures__/peculiar.js';
import { parseCertificate, removeExtension } from './certificate.js';
import { encode, integer } from './der.js';
import { type CertificateIdentity } from './identity.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { encodeSctList } from './sct-list.js';

const identity: CertificateIdentity = {
  san: { kind: 'email', value: 'alice@example.com' },
  extensions: [
    { oid: FULCIO_OIDS.issuer, value: 'https://accounts.example.com' },
    { oid: FULCIO_OIDS.issuerV2, value: 'https://accounts.example.com' },
    { oid: FULCIO_OIDS.tokenSubject, value: 'alice@example.com' },
  ],
};
const leafSpki = () => spkiDer(createEphemeralSigner('ecdsa-p256').publicKey);
const sctList = encodeSctList([crypto.randomBytes(118)]);
const clock = () => TEST_CA_TIME;

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa({ algorithm: 'ecdsa-p384' });
});

describe('createLeafIssuer', () => {
  it('issues a leaf that node:crypto and @peculiar/x509 verify up to the root', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock });
    const { der } = await leafs.issue({ publicKeySpki: leafSpki(), identity, sctList });
    const [leaf, inter, root] = [der, ca.intermediate.der, ca.root.der].map((d) => new crypto.X509Certificate(d)) as [crypto.X509Certificate, crypto.X509Certificate, crypto.X509Certificate];
    expect(leaf.checkIssued(inter) && leaf.verify(inter.publicKey)).toBe(true);
    expect(inter.checkIssued(root) && inter.verify(root.publicKey) && root.verify(root.publicKey)).toBe(true);
    expect(leaf.subject).toBeFalsy(); // empty Name
    expect(leaf.subjectAltName).toBe('email:alice@example.com');
    expect(leaf.ca).toBe(false);

    const pLeaf = new peculiar.X509Certificate(der);
    const pInter = new peculiar.X509Certificate(ca.intermediate.der);
    expect(await pLeaf.verify({ publicKey: pInter, date: new Date(TEST_CA_TIME.getTime() + 60_000) })).toBe(true);
    expect(await pLeaf.verify({ publicKey: new peculiar.X509Certificate(ca.root.der), signatureOnly: true })).toBe(false);
    const chain = await new peculiar.X509ChainBuilder({ certificates: [pInter, new peculiar.X509Certificate(ca.root.der)] }).build(pLeaf);
    expect(chain.map((c) => c.subject)).toEqual(['', 'O=sigbox.dev, CN=sigbox-intermediate', 'O=sigbox.dev, CN=sigbox']);
  });

  it('follows fulcio: v3, empty subject, 10-minute whole-second validity, random ≤ 20-octet serial', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock: () => new Date('2026-06-01T12:00:00.789Z') });
    const issued = await leafs.issue({ publicKeySpki: leafSpki(), identity });
    const cert = new peculiar.X509Certificate(issued.der);
    expect(cert.notBefore.toISOString()).toBe('2026-06-01T12:00:00.000Z');
    expect(cert.notAfter.toISOString()).toBe('2026-06-01T12:10:00.000Z');
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(600_000);
    expect(BigInt(`0x${cert.serialNumber}`)).toBe(issued.serial);
    // peculiar's hex drops DER's 0x00 pad, so the octet limit is checked on the encoded INTEGER itself.
    const serialTlv = Buffer.from(encode(integer(issued.serial)));
    expect(Buffer.from(issued.der).indexOf(serialTlv)).toBeGreaterThan(0);
    expect(serialTlv[1]).toBeLessThanOrEqual(20);
    const other = await leafs.issue({ publicKeySpki: leafSpki(), identity });
    expect(other.serial).not.toBe(issued.serial);
    expect(Buffer.from(parseCertificate(issued.der).subject).toString('hex')).toBe('3000');
  });

  it('puts the extensions in fulcio order with fulcio criticality, AKI = issuer SKI, no SKI', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock });
    const pre = parseCertificate((await leafs.issue({ publicKeySpki: leafSpki(), identity, poison: true })).der);
    expect(pre.extensions.map((e) => [e.oid, e.critical])).toEqual([
      [OID.keyUsage, true],
      [OID.extKeyUsage, false],
      [OID.authorityKeyIdentifier, false],
      [OID.subjectAltName, true],
      [FULCIO_OIDS.issuer, false],
      [FULCIO_OIDS.issuerV2, false],
      [FULCIO_OIDS.tokenSubject, false],
      [OID.ctPoison, true],
    ]);
    const interSki = new peculiar.X509Certificate(ca.intermediate.der).getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId;
    const leaf = new peculiar.X509Certificate((await leafs.issue({ publicKeySpki: leafSpki(), identity })).der);
    expect(leaf.getExtension(peculiar.AuthorityKeyIdentifierExtension)?.keyId).toBe(interSki);
    expect(leaf.getExtension(peculiar.SubjectKeyIdentifierExtension)).toBeNull();
    expect(Buffer.from(pre.extensions.at(-1)?.value ?? []).toString('hex')).toBe('0500');
  });

  it('makes a precertificate and a final certificate that differ only in the last extension', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock });
    const draft = leafs.draft({ publicKeySpki: leafSpki(), identity });
    const pre = await draft.precertificate();
    const final = await draft.certificate(sctList);
    const [p, f] = [parseCertificate(pre.der), parseCertificate(final.der)];
    expect(p.serial).toBe(f.serial);
    expect(pre.serial).toBe(final.serial);
    expect(p.validity).toEqual(f.validity);
    expect([p.issuer, p.subject, p.spki]).toEqual([f.issuer, f.subject, f.spki]);
    expect(p.extensions.slice(0, -1)).toEqual(f.extensions.slice(0, -1));
    expect(p.extensions.at(-1)?.oid).toBe(OID.ctPoison);
    expect(f.extensions.at(-1)).toEqual({ oid: OID.ctSctList, critical: false, value: Uint8Array.from([0x04, sctList.length, ...sctList]) });
    // RFC 6962 §3.2: what the log signs (precert TBS minus poison) is what verifiers rebuild (final TBS minus SCTs).
    expect(removeExtension(final.tbs, OID.ctSctList)).toEqual(removeExtension(pre.tbs, OID.ctPoison));
    expect(removeExtension(final.tbs, OID.ctSctList)).not.toEqual(final.tbs);
    expect(parseCertificate(pre.der).tbs).toEqual(pre.tbs);
    expect(new crypto.X509Certificate(pre.der).verify(ca.intermediate.signer.publicKey)).toBe(true);
  });

  it.each<[KeyAlgorithm, string]>([
    ['ecdsa-p256', OID.ecdsaWithSha256],
    ['ecdsa-p384', OID.ecdsaWithSha384],
    ['ecdsa-p521', OID.ecdsaWithSha512],
    ['rsa', OID.sha256WithRsa],
    ['ed25519', OID.ed25519],
  ])('signs with a %s CA key under %s', async (algorithm, sigOid) => {
    const own = await createTestCa({ algorithm, rootAlgorithm: 'ecdsa-p256' });
    const leafs = createLeafIssuer({ issuerCertDer: own.intermediate.der, signer: own.intermediate.signer, clock });
    const { der } = await leafs.issue({ publicKeySpki: leafSpki(), identity });
    expect(parseCertificate(der).signatureAlgorithm).toBe(sigOid);
    expect(new crypto.X509Certificate(der).verify(own.intermediate.signer.publicKey)).toBe(true);
  });

  it('switches to GeneralizedTime for validity from 2050', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer });
    const { der } = await leafs.issue({ publicKeySpki: leafSpki(), identity, notBefore: new Date('2049-12-31T23:55:00Z') });
    const cert = new crypto.X509Certificate(der);
    expect(new Date(cert.validTo).toISOString()).toBe('2050-01-01T00:05:00.000Z');
    expect(Buffer.from(parseCertificate(der).validity).toString('latin1')).toContain('20500101000500Z');
  });

  it('refuses a signer whose key is not the issuing certificate key, and malformed requests', async () => {
    expect(() => createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.root.signer })).toThrow(/not the issuing/);
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer });
    await expect(leafs.issue({ publicKeySpki: Uint8Array.of(1, 2, 3), identity })).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(leafs.issue({ publicKeySpki: leafSpki(), identity, serial: 0n })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(leafs.issue({ publicKeySpki: leafSpki(), identity, serial: 1n << 159n })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(leafs.issue({ publicKeySpki: leafSpki(), identity, poison: true, sctList })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(leafs.issue({ publicKeySpki: leafSpki(), identity, sctList: Uint8Array.of(0, 9, 1) })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    const big = await leafs.issue({ publicKeySpki: leafSpki(), identity, serial: (1n << 159n) - 1n });
    expect(parseCertificate(big.der).serial).toBe((1n << 159n) - 1n);
  });
});

describe.skipIf(!toolAvailable('openssl', 'cross-checks certificates with OpenSSL'))('openssl', () => {
  it('parses the leaf and lists the SAN and every Fulcio extension; verifies the chain', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer });
    const username: CertificateIdentity = { ...identity, san: { kind: 'username', value: 'alice!example.com' } };
    const emailLeaf = await leafs.issue({ publicKeySpki: leafSpki(), identity, sctList });
    const userLeaf = await leafs.issue({ publicKeySpki: leafSpki(), identity: username, sctList });
    const text = openssl(['x509', '-inform', 'DER', '-text', '-noout'], emailLeaf.der);
    expect(text).toContain('email:alice@example.com');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+Code Signing/);
    expect(text).toMatch(/X509v3 Subject Alternative Name: critical/);
    for (const o of [FULCIO_OIDS.issuer, FULCIO_OIDS.issuerV2, FULCIO_OIDS.tokenSubject]) expect(text).toContain(`${o}:`);
    expect(text).toContain('CT Precertificate SCTs');
    const userText = openssl(['x509', '-inform', 'DER', '-text', '-noout'], userLeaf.der);
    expect(userText).toMatch(/othername: 1.3.6.1.4.1.57264.1.7::alice!example.com/i); // OpenSSL 3 prints unknown otherNames as <type-id>::<value>

    const pem = (der: Uint8Array) => openssl(['x509', '-inform', 'DER'], der);
    const dir = fs.mkdtempSync('/tmp/x509-');
    fs.writeFileSync(`${dir}/root.pem`, pem(ca.root.der));
    fs.writeFileSync(`${dir}/inter.pem`, pem(ca.intermediate.der));
    fs.writeFileSync(`${dir}/leaf.pem`, pem(emailLeaf.der));
    expect(openssl(['verify', '-CAfile', `${dir}/root.pem`, '-untrusted', `${dir}/inter.pem`, '-purpose', 'any', `${dir}/leaf.pem`])).toContain('OK');
    fs.rmSync(dir, { recursive: true });
  });
});
