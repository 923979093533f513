import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEphemeralSigner, spkiDer } from '@sigbox/core';
import { AT, type TestCa, createTestCa } from './__fixtures__/ca.js';
import { parseCertificate, removeExtension, subjectKeyId } from './certificate.js';
import { keyIdentifier } from './ca-chain.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { decodeSctList, encodeSctList } from './sct-list.js';

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa('ecdsa-p256', 'ecdsa-p256');
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

describe('removeExtension', () => {
  it('drops one extension, re-encodes the lengths, and leaves a TBS without it unchanged', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock: () => AT });
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
