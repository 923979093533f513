import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unsignedCertificate } from './__fixtures__/unsigned-certificate.js';
import { parseCertificate } from './certificate.js';
import { type Der, DER_TRUE, extension, integer, octetString, oid, sequence, tlv } from './der.js';
import { encodeName } from './name.js';
import { OID } from './oids.js';
import { checkStandardExtensions } from './standard-extensions.js';

/**
 * Differential tests against OpenSSL: it parses a certificate whatever its extensions hold, then marks it invalid
 * (EXFLAG_INVALID) when a standard extension does not decode, after which X509_check_issued fails, so node:crypto's
 * `checkIssued` tells whether OpenSSL decodes a leaf's extensions.
 */

const ISSUER = encodeName({ commonName: 'sigbox-test-ca' });
const issuer = new crypto.X509Certificate(unsignedCertificate({ extensions: [extension(oid('1.2.3.4'), false, Uint8Array.of(0x05, 0x00))], subject: ISSUER }));
const leafWith = (oidText: string, value: Der) => unsignedCertificate({ extensions: [extension(oid(oidText), false, value)], issuer: ISSUER });

const openSslDecodes = (der: Uint8Array) => new crypto.X509Certificate(der).checkIssued(issuer);
function x509Decodes(der: Uint8Array): boolean {
  try {
    checkStandardExtensions(parseCertificate(der));
    return true;
  } catch {
    return false;
  }
}

const bits = (...octets: number[]) => tlv(0x03, Uint8Array.from(octets));
const bool = (octet: number) => tlv(0x01, Uint8Array.of(octet));
const int = (...octets: number[]) => tlv(0x02, Uint8Array.from(octets));
const keyId = tlv(0x80, new Uint8Array(20));

describe('checkStandardExtensions', () => {
  it.each<[string, string, Der]>([
    ['keyUsage digitalSignature', OID.keyUsage, bits(0x07, 0x80)],
    ['keyUsage keyCertSign and cRLSign', OID.keyUsage, bits(0x01, 0x06)],
    ['extKeyUsage codeSigning', OID.extKeyUsage, sequence(oid(OID.codeSigning))],
    ['an empty extKeyUsage', OID.extKeyUsage, sequence()],
    ['a subjectKeyIdentifier', OID.subjectKeyIdentifier, octetString(new Uint8Array(20))],
    ['an authorityKeyIdentifier', OID.authorityKeyIdentifier, sequence(keyId)],
    // OpenSSL matches these against the issuer's own issuer and serial (X509_check_akid): the test CA's.
    ['an authorityKeyIdentifier with issuer and serial', OID.authorityKeyIdentifier, sequence(keyId, tlv(0xa1, tlv(0xa4, ISSUER)), tlv(0x82, Uint8Array.of(0x12, 0x34)))],
    ['an empty authorityKeyIdentifier', OID.authorityKeyIdentifier, sequence()],
    ['basicConstraints cA', OID.basicConstraints, sequence(DER_TRUE)],
    ['basicConstraints cA with a path length', OID.basicConstraints, sequence(DER_TRUE, integer(0n))],
    ['basicConstraints cA with a path length of 128', OID.basicConstraints, sequence(DER_TRUE, integer(128n))],
    ['basicConstraints of an end entity', OID.basicConstraints, sequence()],
    ['basicConstraints cA written FALSE', OID.basicConstraints, sequence(bool(0x00))],
    ['basicConstraints with a path length but no cA', OID.basicConstraints, sequence(integer(0n))],
    ['a subjectAltName', OID.subjectAltName, sequence(tlv(0x81, Buffer.from('a@example.com')))],
  ])('accepts %s, as OpenSSL does', (_, oidText, value) => {
    const der = leafWith(oidText, value);
    expect({ openssl: openSslDecodes(der), x509: x509Decodes(der) }).toEqual({ openssl: true, x509: true });
  });

  it.each<[string, string, Der]>([
    ['keyUsage that is no BIT STRING', OID.keyUsage, octetString(Uint8Array.of(0x80))],
    ['keyUsage with 8 unused bits', OID.keyUsage, bits(0x08, 0x00)],
    ['keyUsage past its end', OID.keyUsage, Uint8Array.of(0x03, 0x05, 0x07, 0x80)],
    ['keyUsage with unused bits and no octet', OID.keyUsage, bits(0x07)],
    ['extKeyUsage that is no SEQUENCE', OID.extKeyUsage, tlv(0x31, oid(OID.codeSigning))],
    ['extKeyUsage of a non-OID', OID.extKeyUsage, sequence(octetString(Uint8Array.of(1)))],
    ['extKeyUsage with a truncated OID', OID.extKeyUsage, sequence(tlv(0x06, Uint8Array.of(0x2b, 0x86)))],
    ['a subjectKeyIdentifier that is no OCTET STRING', OID.subjectKeyIdentifier, sequence()],
    ['an authorityKeyIdentifier that is no SEQUENCE', OID.authorityKeyIdentifier, keyId],
    ['an authorityKeyIdentifier with its fields out of order', OID.authorityKeyIdentifier, sequence(tlv(0x82, Uint8Array.of(1)), keyId)],
    ['an authorityKeyIdentifier with two key IDs', OID.authorityKeyIdentifier, sequence(keyId, keyId)],
    ['an authorityKeyIdentifier with an unknown field', OID.authorityKeyIdentifier, sequence(keyId, tlv(0x83, Uint8Array.of(1)))],
    ['basicConstraints that is no SEQUENCE', OID.basicConstraints, DER_TRUE],
    ['basicConstraints with the path length first', OID.basicConstraints, sequence(integer(0n), DER_TRUE)],
    ['basicConstraints with a third field', OID.basicConstraints, sequence(DER_TRUE, integer(0n), integer(0n))],
    ['basicConstraints with a path length that is no INTEGER', OID.basicConstraints, sequence(DER_TRUE, octetString(Uint8Array.of(1)))],
    ['basicConstraints with a negative path length', OID.basicConstraints, sequence(DER_TRUE, int(0xff))],
    ['basicConstraints with a path length with a redundant octet', OID.basicConstraints, sequence(DER_TRUE, int(0x00, 0x01))],
    ['a subjectAltName that is no SEQUENCE', OID.subjectAltName, tlv(0x31, tlv(0x81, Buffer.from('a@example.com')))],
  ])('refuses %s, as OpenSSL does', (_, oidText, value) => {
    const der = leafWith(oidText, value);
    expect({ openssl: openSslDecodes(der), x509: x509Decodes(der) }).toEqual({ openssl: false, x509: false });
  });

  it.each<[string, string, Der]>([
    ['keyUsage with an unused bit set', OID.keyUsage, bits(0x07, 0x81)],
    ['a cA flag of 0x01', OID.basicConstraints, sequence(bool(0x01))],
    ['a non-minimal length', OID.extKeyUsage, Uint8Array.of(0x30, 0x81, 0x0a, ...oid(OID.codeSigning))],
  ])('refuses %s, BER that OpenSSL reads (Go refuses it too)', (_, oidText, value) => {
    const der = leafWith(oidText, value);
    expect({ openssl: openSslDecodes(der), x509: x509Decodes(der) }).toEqual({ openssl: true, x509: false });
  });

  it('leaves profile rules to the caller: a keyUsage with no bit set decodes, which OpenSSL marks invalid', () => {
    // RFC 5280 §4.2.1.3: "at least one of the bits MUST be set to 1"; Go's parser does not enforce it either.
    const der = leafWith(OID.keyUsage, bits(0x00));
    expect({ openssl: openSslDecodes(der), x509: x509Decodes(der) }).toEqual({ openssl: false, x509: true });
  });

  it('checks every occurrence of an extension, the issuer alternative name too, and leaves other extensions alone', () => {
    const sans = [extension(oid(OID.subjectAltName), false, sequence()), extension(oid(OID.subjectAltName), false, tlv(0x31))];
    expect(x509Decodes(unsignedCertificate({ extensions: sans }))).toBe(false);
    expect(x509Decodes(unsignedCertificate({ extensions: [extension(oid('1.2.3.4'), false, Uint8Array.of(0xff))] }))).toBe(true);
    expect(x509Decodes(leafWith(OID.issuerAltName, tlv(0x31)))).toBe(false);
    expect(x509Decodes(leafWith(OID.issuerAltName, sequence(tlv(0x82, Buffer.from('ca.example')))))).toBe(true);
  });
});
