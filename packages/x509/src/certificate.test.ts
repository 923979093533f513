import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralSigner, spkiDer } from '@sigbox/core';
import { TEST_CA_TIME, type TestCa, createTestCa } from '@sigbox/testkit';
import { type CertificateParts, extKeyUsages, parseCertificate, removeExtension, subjectKeyId } from './certificate.js';
import { encode, oid, sequence, tlv } from './der.js';
import { keyIdentifier } from './ca-chain.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { decodeSctList, encodeSctList } from './sct-list.js';

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa();
});

describe('parseCertificate', () => {
  it('agrees with node:crypto on serial, key and signature', () => {
    const parts = parseCertificate(ca.intermediate.der);
    const cert = new crypto.X509Certificate(ca.intermediate.der);
    expect(parts.serial.toString(16).toUpperCase().padStart(cert.serialNumber.length, '0')).toBe(cert.serialNumber);
    expect(Buffer.from(parts.spki).equals(Buffer.from(spkiDer(cert.publicKey)))).toBe(true);
    expect(crypto.verify('sha256', parts.tbs, ca.root.signer.publicKey, parts.signature)).toBe(true);
    expect(subjectKeyId(parts)).toEqual(new Uint8Array(keyIdentifier(parts.spki)));
  });

  it('refuses trailing bytes and truncated input', () => {
    const der = ca.root.der;
    expect(() => parseCertificate(Uint8Array.from([...der, 0]))).toThrow(expect.objectContaining({ code: 'INVALID_CERTIFICATE' }));
    expect(() => parseCertificate(der.subarray(0, der.length - 1))).toThrow(expect.objectContaining({ code: 'INVALID_CERTIFICATE' }));
  });
});

describe('extKeyUsages', () => {
  const withEku = (parts: CertificateParts, value: Uint8Array): CertificateParts => ({
    ...parts,
    extensions: [...parts.extensions.filter((e) => e.oid !== OID.extKeyUsage), { oid: OID.extKeyUsage, critical: false, value }],
  });

  it('reads the EKU OIDs as node:crypto does, undefined without the extension', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock: () => TEST_CA_TIME });
    const identity = { san: { kind: 'email' as const, value: 'alice@example.com' }, extensions: [] };
    const leaf = await leafs.issue({ publicKeySpki: spkiDer(createEphemeralSigner().publicKey), identity });
    for (const der of [leaf.der, ca.intermediate.der, ca.root.der]) {
      expect(extKeyUsages(parseCertificate(der))).toEqual(new crypto.X509Certificate(der).keyUsage);
    }
    expect(extKeyUsages(parseCertificate(leaf.der))).toEqual([OID.codeSigning]);
    expect(extKeyUsages(parseCertificate(ca.root.der))).toBeUndefined();
    const parts = parseCertificate(leaf.der);
    expect(extKeyUsages(withEku(parts, encode(sequence(oid(OID.anyExtendedKeyUsage), oid('1.3.6.1.5.5.7.3.4')))))).toEqual([OID.anyExtendedKeyUsage, '1.3.6.1.5.5.7.3.4']);
    expect(extKeyUsages(withEku(parts, encode(sequence())))).toEqual([]);
  });

  it('refuses what is not a SEQUENCE of DER OIDs, which OpenSSL does not read as an EKU either', () => {
    const parts = parseCertificate(ca.intermediate.der);
    const codeSigningPadded = tlv(0x06, Uint8Array.of(0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x80, 0x03)); // arc 3 as 80 03
    for (const value of [
      encode(sequence(tlv(0x04, oid(OID.codeSigning).subarray(2)))), // an OCTET STRING, not an OID
      encode(sequence(codeSigningPadded)),
      oid(OID.codeSigning), // not in a SEQUENCE
      Uint8Array.from([...encode(sequence(oid(OID.codeSigning))), 0]), // trailing byte
    ]) {
      expect(() => extKeyUsages(withEku(parts, value))).toThrow(expect.objectContaining({ code: 'INVALID_CERTIFICATE' }));
    }
  });
});

describe('removeExtension', () => {
  it('drops one extension, re-encodes the lengths, and leaves a TBS without it unchanged', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock: () => TEST_CA_TIME });
    const identity = { san: { kind: 'uri' as const, value: `https://example.com/${'x'.repeat(300)}` }, extensions: [{ oid: FULCIO_OIDS.issuerV2, value: 'https://iss' }] };
    const draft = leafs.draft({ publicKeySpki: spkiDer(createEphemeralSigner().publicKey), identity });
    const [pre, plain] = [await draft.precertificate(), await draft.certificate()];
    // The URI pushes the TBS past 255 bytes, so lengths use the two-octet long form and must be rewritten.
    expect(pre.tbs.length).toBeGreaterThan(300);
    expect(removeExtension(pre.tbs, OID.ctPoison)).toEqual(plain.tbs);
    expect(removeExtension(plain.tbs, OID.ctPoison)).toEqual(plain.tbs);
  });
});

describe('SCT list', () => {
  it('round-trips and rejects malformed lists', () => {
    const scts = [crypto.randomBytes(118), crypto.randomBytes(5)];
    const list = encodeSctList(scts);
    expect(list.subarray(0, 2)).toEqual(Uint8Array.of(0, 2 + 118 + 2 + 5));
    expect(decodeSctList(list).map((s) => Buffer.from(s))).toEqual(scts);
    expect(() => encodeSctList([])).toThrow(/at least one/);
    expect(() => decodeSctList(Uint8Array.of(0, 0))).toThrow(/empty/);
    expect(() => decodeSctList(Uint8Array.of(0, 3, 0, 5, 1))).toThrow(/entry length/);
  });
});
