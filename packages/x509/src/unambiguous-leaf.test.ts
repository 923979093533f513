import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KeyAlgorithm, createEphemeralSigner, spkiDer } from '@sigbox/core';
import { TEST_CA_TIME, type TestCa, createTestCa } from '@sigbox/testkit';
import { unsignedCertificate } from './__fixtures__/unsigned-certificate.js';
import { parseCertificate, subjectKeyId } from './certificate.js';
import { DER_NULL, type Der, bitString, encode, extension, octetString, oid, sequence, tlv, utf8String } from './der.js';
import { createLeafIssuer } from './leaf-issuer.js';
import { FULCIO_OIDS, OID } from './oids.js';
import { encodeSctList } from './sct-list.js';
import { certificateSignatureCheck, signatureAlgorithmFor } from './signature-algorithm.js';
import { readUnambiguousLeaf } from './unambiguous-leaf.js';

const read = (der: Uint8Array) => readUnambiguousLeaf(der, parseCertificate(der));

let ca: TestCa;
beforeAll(async () => {
  ca = await createTestCa();
});

describe('readUnambiguousLeaf', () => {
  const SIG_ALG = signatureAlgorithmFor('ecdsa-p256');
  const EMAIL_SAN = extension(oid(OID.subjectAltName), true, sequence(tlv(0x81, Buffer.from('alice@example.com'))));
  const POISON = extension(oid(OID.ctPoison), true, DER_NULL);

  /** A leaf of `ca`'s shape with these extensions (signature not checked here: any bytes). */
  const leaf = (extensions: Der[], edit: { subject?: Uint8Array; spki?: Uint8Array; trailing?: Der[] } = {}) =>
    unsignedCertificate({ extensions, issuer: parseCertificate(ca.intermediate.der).subject, notBefore: TEST_CA_TIME, ...edit });

  it('reads the leaves the issuer writes, as OpenSSL does', async () => {
    const leafs = createLeafIssuer({ issuerCertDer: ca.intermediate.der, signer: ca.intermediate.signer, clock: () => TEST_CA_TIME });
    const sans = [
      { kind: 'email', value: 'alice@example.com' },
      { kind: 'uri', value: 'https://github.com/octo/repo/.github/workflows/release.yml@refs/heads/main' },
      { kind: 'username', value: 'alice' },
    ] as const;
    for (const san of sans) {
      const draft = leafs.draft({ publicKeySpki: spkiDer(createEphemeralSigner().publicKey), identity: { san, extensions: [{ oid: FULCIO_OIDS.issuerV2, value: 'https://iss' }] } });
      for (const { der } of [await draft.precertificate(), await draft.certificate(), await draft.certificate(encodeSctList([crypto.randomBytes(118)]))]) {
        const parts = parseCertificate(der);
        expect(readUnambiguousLeaf(der, parts)).toEqual({
          parts,
          tbsSignatureAlgorithm: SIG_ALG,
          signatureAlgorithm: SIG_ALG,
          authorityKeyId: subjectKeyId(parseCertificate(ca.intermediate.der)),
          extKeyUsages: new crypto.X509Certificate(der).keyUsage,
        });
      }
    }
  });

  it.each(['ecdsa-p384', 'ecdsa-p521', 'ed25519', 'rsa'] satisfies KeyAlgorithm[])('takes %s subject keys', (algorithm) => {
    expect(read(leaf([POISON], { spki: spkiDer(createEphemeralSigner(algorithm).publicKey) }))).toBeDefined();
  });

  it('leaves to OpenSSL what it may read otherwise: other fields, encodings and extensions', () => {
    expect(read(leaf([EMAIL_SAN, POISON]))).toMatchObject({ authorityKeyId: undefined, extKeyUsages: undefined });
    const unclear: Array<[string, Uint8Array]> = [
      ['a CA certificate (subject, basicConstraints)', ca.intermediate.der],
      ['a field after the signature', leaf([POISON], { trailing: [DER_NULL] })],
      ['a subject', leaf([POISON], { subject: parseCertificate(ca.intermediate.der).subject })],
      ['no extensions', leaf([])],
      ['basicConstraints', leaf([POISON, extension(oid(OID.basicConstraints), true, sequence())])],
      ['an unknown extension', leaf([POISON, extension(oid('1.2.3.4'), false, DER_NULL)])],
      ['an extension twice', leaf([POISON, extension(oid(FULCIO_OIDS.issuerV2), false, utf8String('a')), extension(oid(FULCIO_OIDS.issuerV2), false, utf8String('a'))])],
      ['critical written FALSE', leaf([encode(sequence(oid(OID.ctPoison), Uint8Array.of(0x01, 0x01, 0x00), octetString(DER_NULL)))])],
      ['an empty keyUsage', leaf([POISON, extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x01, 0x00))])],
      ['keyUsage with unused bits set', leaf([POISON, extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x02, 0x07, 0x81))])],
      ['a dNSName SAN', leaf([POISON, extension(oid(OID.subjectAltName), true, sequence(tlv(0x82, Buffer.from('example.com'))))])],
      ['a non-ASCII email SAN', leaf([POISON, extension(oid(OID.subjectAltName), true, sequence(tlv(0x81, Buffer.from('älice@example.com'))))])],
      ['an AKI with a serial', leaf([POISON, extension(oid(OID.authorityKeyIdentifier), false, sequence(tlv(0x80, new Uint8Array(20)), tlv(0x82, Uint8Array.of(1))))])],
      ['an EKU of non-OIDs', leaf([POISON, extension(oid(OID.extKeyUsage), false, sequence(octetString(Uint8Array.of(1))))])],
      ['an RSA key without NULL parameters', leaf([POISON], { spki: encode(sequence(sequence(oid(OID.rsaEncryption)), bitString(new Uint8Array(10)))) })],
    ];
    for (const [what, der] of unclear) expect({ what, leaf: read(der) }).toEqual({ what, leaf: undefined });
  });

  it('agrees with OpenSSL on what it reads', () => {
    const ekus = [sequence(oid(OID.codeSigning)), sequence(), sequence(oid(OID.anyExtendedKeyUsage), oid('1.3.6.1.5.5.7.3.4'))];
    for (const eku of ekus) {
      const der = leaf([extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x02, 0x07, 0x80)), extension(oid(OID.extKeyUsage), false, eku), EMAIL_SAN, POISON]);
      const x509 = new crypto.X509Certificate(der);
      expect(read(der)?.extKeyUsages).toEqual(x509.keyUsage);
      expect(x509.checkIssued(new crypto.X509Certificate(ca.intermediate.der))).toBe(true); // no extension OpenSSL finds invalid
    }
  });
});

describe('certificateSignatureCheck', () => {
  it('knows the algorithms the CA signs with, in their one DER encoding', () => {
    expect(certificateSignatureCheck(signatureAlgorithmFor('ecdsa-p256'))).toEqual({ keyType: 'ec', hash: 'sha256' });
    expect(certificateSignatureCheck(signatureAlgorithmFor('ecdsa-p521'))).toEqual({ keyType: 'ec', hash: 'sha512' });
    expect(certificateSignatureCheck(signatureAlgorithmFor('rsa'))).toEqual({ keyType: 'rsa', hash: 'sha256' });
    expect(certificateSignatureCheck(signatureAlgorithmFor('ed25519'))).toEqual({ keyType: 'ed25519', hash: null });
    expect(certificateSignatureCheck(encode(sequence(oid(OID.sha384WithRsa), DER_NULL)))).toEqual({ keyType: 'rsa', hash: 'sha384' });
  });

  it('leaves other encodings and RSA-PSS to a full verifier', () => {
    expect(certificateSignatureCheck(encode(sequence(oid(OID.sha256WithRsa))))).toBeUndefined();
    expect(certificateSignatureCheck(encode(sequence(oid(OID.ecdsaWithSha256), DER_NULL)))).toBeUndefined();
    expect(certificateSignatureCheck(encode(sequence(oid('1.2.840.113549.1.1.10'), sequence())))).toBeUndefined();
  });
});
