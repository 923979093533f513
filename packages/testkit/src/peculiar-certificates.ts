import 'reflect-metadata';
import crypto from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { toPem } from '@sigbox/core';

/**
 * Test-only certificates made with @peculiar/x509 (an implementation independent of the one under test), and
 * the few DER builders needed to write subjectAltName values by hand, malformed ones included.
 */

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const OID_SUBJECT_ALT_NAME = '2.5.29.17';

export interface TestCertificate {
  der: Uint8Array;
  pem: string;
  /** node:crypto views of the certificate's key pair. */
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  /** The same pair for @peculiar/x509, to sign certificates this one issues. */
  keys: crypto.webcrypto.CryptoKeyPair;
  name: string;
}

export interface CertificateOptions {
  /** Subject DN; also the issuer DN when self-signed. */
  name?: string;
  /** Signs with the issuer's key under its name; self-signed without. */
  issuer?: TestCertificate;
  /** basicConstraints cA=TRUE (critical), as a CA certificate carries it. */
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  /** Raw extnValue of each subjectAltName extension (several make a certificate with repeated extensions). */
  subjectAltNames?: Uint8Array[];
  /** Other extensions, by OID and raw extnValue. */
  extensions?: Array<{ oid: string; value: Uint8Array }>;
}

/** A P-256 certificate as `options` describe it; self-signed, valid 2024–2034, by default. */
export async function testCertificate(options: CertificateOptions = {}): Promise<TestCertificate> {
  const name = options.name ?? 'CN=sigbox test';
  const keys = (await crypto.webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const extensions = [
    ...(options.ca ? [new x509.BasicConstraintsExtension(true, undefined, true)] : []),
    ...(options.subjectAltNames ?? []).map((value) => new x509.Extension(OID_SUBJECT_ALT_NAME, false, value)),
    ...(options.extensions ?? []).map(({ oid, value }) => new x509.Extension(oid, false, value)),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    subject: name,
    issuer: options.issuer?.name ?? name,
    notBefore: options.notBefore ?? new Date('2024-01-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2034-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: options.issuer?.keys.privateKey ?? keys.privateKey,
    signingAlgorithm: EC_P256,
    extensions,
  });
  const der = new Uint8Array(cert.rawData);
  const privateKey = crypto.KeyObject.from(keys.privateKey);
  return { der, pem: toPem('CERTIFICATE', der), privateKey, publicKey: crypto.createPublicKey(privateKey), keys, name };
}

/** tag ‖ DER length ‖ content (X.690 §8.1.3). */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([tag, ...length, ...body]);
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** OBJECT IDENTIFIER for a dotted OID whose arcs are below 2^28 (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const body = [first * 40 + second, ...rest].flatMap((arc) => {
    const digits = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) digits.unshift((v & 0x7f) | 0x80);
    return digits;
  });
  return tlv(0x06, Uint8Array.from(body));
}

/** GeneralName builders (RFC 5280 §4.2.1.6: IMPLICIT context tags). */
export const generalName = {
  email: (value: string) => tlv(0x81, latin1(value)),
  dns: (value: string) => tlv(0x82, latin1(value)),
  uri: (value: string) => tlv(0x86, latin1(value)),
  ip: (octets: number[]) => tlv(0x87, Uint8Array.from(octets)),
  /** otherName: type-id and `[0] EXPLICIT` value (a whole TLV). */
  otherName: (typeId: string, value: Uint8Array) => tlv(0xa0, oid(typeId), tlv(0xa0, value)),
  /** Fulcio's username SAN: otherName 1.3.6.1.4.1.57264.1.7 with a UTF8String. */
  username: (value: string | Uint8Array) => generalName.otherName('1.3.6.1.4.1.57264.1.7', tlv(0x0c, typeof value === 'string' ? Buffer.from(value, 'utf8') : value)),
};

/** A subjectAltName extnValue: GeneralNames ::= SEQUENCE OF GeneralName. */
export const generalNames = (...names: Uint8Array[]): Uint8Array => tlv(0x30, ...names);

/** `pems` joined as a submitted chain (leaf first). */
export const chainPem = (...certs: TestCertificate[]): string => certs.map((c) => c.pem).join('');
