import { describe, expect, it } from 'vitest';
import { encoding, spkiDer, toPem } from '@sigbox/core';
import { chainPem, generalName as gn, generalNames, oid, testCertificate, tlv } from '@sigbox/testkit';
import { parseX509Verifier } from './public-key.js';

const FULCIO_USERNAME = '1.3.6.1.4.1.57264.1.7';
const utf8String = (text: string) => tlv(0x0c, encoding.utf8(text));
const verifierOf = (pem: string) => parseX509Verifier(encoding.utf8(pem));
/** The index keys a certificate's SANs become: `subjects()` of the verifier it makes. */
const subjectsOf = async (...subjectAltNames: Uint8Array[]) => verifierOf((await testCertificate({ subjectAltNames })).pem).subjects();

describe('parseX509Verifier with certificates', () => {
  it('takes the key from the certificate and keeps its DER and Go PEM', async () => {
    const cert = await testCertificate({ subjectAltNames: [generalNames(gn.email('a@example.com'))] });
    const verifier = verifierOf(`\n${cert.pem}  `);
    expect(verifier.form).toBe('certificate');
    expect(spkiDer(verifier.publicKey)).toEqual(spkiDer(cert.publicKey));
    expect(verifier.algorithm).toBe('ecdsa-p256');
    expect(verifier.certificates).toEqual([cert.der]);
    expect(verifier.canonicalPem).toBe(cert.pem);
  });

  it('reads a chain leaf first, every certificate kept', async () => {
    const root = await testCertificate({ name: 'CN=root', ca: true });
    const leaf = await testCertificate({ issuer: root });
    const verifier = verifierOf(chainPem(leaf, root));
    expect(verifier.form).toBe('chain');
    expect(spkiDer(verifier.publicKey)).toEqual(spkiDer(leaf.publicKey));
    expect(verifier.certificates).toEqual([leaf.der, root.der]);
  });

  it.each([
    ['not DER at all', Uint8Array.of(1, 2, 3)],
    ['an empty SEQUENCE', Uint8Array.of(0x30, 0)],
    ['a truncated certificate', 'truncated'],
  ] as const)('refuses a CERTIFICATE block holding %s, alone or in a chain', async (_, bytes) => {
    const cert = await testCertificate();
    const bad = toPem('CERTIFICATE', bytes === 'truncated' ? cert.der.subarray(0, cert.der.length - 10) : bytes);
    expect(() => verifierOf(bad)).toThrow(/^x509: malformed certificate$/);
    expect(() => verifierOf(cert.pem + bad)).toThrow(/^x509: malformed certificate$/);
  });
});

describe('certificate SANs as sigstore lists them (rekor index keys)', () => {
  it('orders DNS names, emails, IPs, URIs, then the Fulcio username, whatever the certificate order', async () => {
    const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const names = generalNames(gn.username('octo'), gn.uri('https://example.com/a'), gn.ip([10, 0, 0, 1]), gn.email('Dev@Example.com'), gn.dns('example.com'), gn.ip(v6));
    expect(await subjectsOf(names)).toEqual(['example.com', 'Dev@Example.com', '10.0.0.1', '2001:db8::1', 'https://example.com/a', 'octo']);
  });

  it('writes IP addresses as Go does: dotted IPv4, mapped IPv4, RFC 5952 IPv6, hex for other lengths', async () => {
    const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1];
    const zeros = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 3];
    const noRun = [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8];
    const ips = [gn.ip(mapped), gn.ip(zeros), gn.ip(noRun), gn.ip(new Array(16).fill(0)), gn.ip([1, 2, 3, 4, 5])];
    expect(await subjectsOf(generalNames(...ips))).toEqual(['192.0.2.1', '0:1::2:3', '1:2:3:4:5:6:7:8', '::', '?0102030405']);
  });

  it('keeps the username only when it is the one otherName and a UTF8String under Fulcio type-id', async () => {
    expect(await subjectsOf(generalNames(gn.username('octo')))).toEqual(['octo']);
    expect(await subjectsOf(generalNames(gn.username('a'), gn.username('b')))).toEqual([]);
    expect(await subjectsOf(generalNames(gn.username('a'), gn.otherName('1.2.3.4', utf8String('b'))))).toEqual([]);
    expect(await subjectsOf(generalNames(gn.otherName('1.2.3.4', utf8String('b'))))).toEqual([]);
    expect(await subjectsOf(generalNames(gn.otherName(FULCIO_USERNAME, tlv(0x16, encoding.utf8('ia5')))))).toEqual([]);
  });

  it('reads what follows an otherName value as sigstore does: ignored', async () => {
    const extraField = tlv(0xa0, oid(FULCIO_USERNAME), tlv(0xa0, utf8String('u')), tlv(0x05));
    const twoValues = tlv(0xa0, oid(FULCIO_USERNAME), tlv(0xa0, utf8String('u'), utf8String('v')));
    expect(await subjectsOf(generalNames(extraField))).toEqual(['u']);
    expect(await subjectsOf(generalNames(twoValues))).toEqual(['u']);
  });

  it('decodes text byte for byte: IA5 octets as WHATWG latin1 (windows-1252), broken UTF-8 as U+FFFD', async () => {
    const names = generalNames(gn.email('é@example.com'), gn.uri('\x97'), gn.username(Uint8Array.of(0x61, 0xff, 0x62)));
    expect(await subjectsOf(names)).toEqual(['é@example.com', '\u2014', 'a\uFFFDb']);
  });

  it('lists the names of every subjectAltName extension, in order, and nothing without one', async () => {
    expect(await subjectsOf(generalNames(gn.uri('https://b.example')), generalNames(gn.email('a@example.com')))).toEqual(['a@example.com', 'https://b.example']);
    expect(await subjectsOf(generalNames(gn.email('a@example.com')), generalNames(gn.email('b@example.com')))).toEqual(['a@example.com', 'b@example.com']);
    expect(await subjectsOf()).toEqual([]);
    expect(await subjectsOf(generalNames())).toEqual([]);
  });

  it('skips the GeneralNames sigstore does not list', async () => {
    const directoryName = tlv(0xa4, tlv(0x30));
    const registeredId = tlv(0x88, Uint8Array.of(0x2a, 0x03));
    expect(await subjectsOf(generalNames(directoryName, gn.email('a@example.com'), registeredId))).toEqual(['a@example.com']);
  });

  it.each([
    ['an empty extnValue', new Uint8Array()],
    ['a SET instead of a SEQUENCE', tlv(0x31, gn.email('a@example.com'))],
    ['a length past the end', Uint8Array.of(0x30, 9, ...gn.email('a@x'))],
    ['an indefinite length', Uint8Array.of(0x30, 0x80, ...gn.email('a@x'), 0, 0)],
    ['an unknown GeneralName tag', generalNames(tlv(0x89, encoding.utf8('zz')), gn.email('a@example.com'))],
    ['a high tag number', generalNames(Uint8Array.of(0x9f, 0x1f, 1, 0x61), gn.email('a@example.com'))],
    ['a primitive otherName', generalNames(tlv(0x80, encoding.utf8('zz')))],
    ['a constructed rfc822Name', generalNames(tlv(0xa1, tlv(0x16, encoding.utf8('a@x'))))],
    ['an otherName without a value', generalNames(tlv(0xa0, oid(FULCIO_USERNAME)))],
    ['an otherName whose type-id is no OID', generalNames(tlv(0xa0, tlv(0x04, oid(FULCIO_USERNAME).subarray(2)), tlv(0xa0, utf8String('u'))))],
    ['an otherName value that is not [0] EXPLICIT', generalNames(tlv(0xa0, oid(FULCIO_USERNAME), tlv(0xa1, utf8String('u'))))],
    ['an otherName value tagged [0] but primitive', generalNames(tlv(0xa0, oid(FULCIO_USERNAME), tlv(0x80, utf8String('u'))))],
  ])('refuses a certificate whose subjectAltName has %s', async (_, value) => {
    const verifier = verifierOf((await testCertificate({ subjectAltNames: [value] })).pem);
    expect(() => verifier.subjects()).toThrow();
  });

  it.each([
    ['keyUsage', '2.5.29.15', Uint8Array.of(0x04, 0x00)],
    ['extKeyUsage', '2.5.29.37', Uint8Array.of(0x04, 0x00)],
    ['basicConstraints', '2.5.29.19', Uint8Array.of(0x04, 0x00)],
    ['subjectKeyIdentifier', '2.5.29.14', tlv(0x30)],
    ['authorityKeyIdentifier', '2.5.29.35', tlv(0x04)],
  ])('refuses a certificate whose %s does not decode, though OpenSSL parses it', async (_, oidText, value) => {
    const cert = await testCertificate({ subjectAltNames: [generalNames(gn.email('a@example.com'))], extensions: [{ oid: oidText, value }] });
    const verifier = verifierOf(cert.pem);
    expect(() => verifier.subjects()).toThrow();
  });
});
