import crypto, { type KeyObject } from 'node:crypto';
import { type Signer, bytesEqual, spkiDer, toPem } from '@sigbox/core';
import { X509Error } from './error.js';
import { DER_TRUE, type Der, TAG, bitString, encode, explicit, extension, integer, oid, sequence, time, tlv } from './der.js';
import { bitStringBytes, children, readWhole } from './der-reader.js';
import { parseCertificate, subjectKeyId } from './certificate.js';
import { checkKeyStrength } from './key-strength.js';
import { type CaSubject, encodeName } from './name.js';
import { OID } from './oids.js';
import { randomSerial } from './serial.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface CaCertificate {
  der: Uint8Array;
  pem: string;
}

/** keyUsage keyCertSign (bit 5) + cRLSign (bit 6): BIT STRING 01 06, one unused bit (RFC 5280 §4.2.1.3). */
const CA_KEY_USAGE = extension(oid(OID.keyUsage), true, Uint8Array.of(0x03, 0x02, 0x01, 0x06));
const CODE_SIGNING_EKU = extension(oid(OID.extKeyUsage), false, sequence(oid(OID.codeSigning)));

/** basicConstraints cA TRUE with an optional pathLenConstraint, critical (RFC 5280 §4.2.1.9). */
function basicConstraints(pathLength: number | undefined): Der {
  const value = pathLength === undefined ? sequence(DER_TRUE) : sequence(DER_TRUE, integer(BigInt(pathLength)));
  return extension(oid(OID.basicConstraints), true, value);
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING, as Go's x509.CreateCertificate does. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, key] = children(spki, readWhole(spki, TAG.SEQUENCE));
  if (!key) throw new X509Error('INVALID_KEY', 'SubjectPublicKeyInfo without a key');
  return crypto.createHash('sha1').update(bitStringBytes(spki, key)).digest();
}

interface CaTemplate {
  issuer: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  validity: Validity;
  extensions: Der[];
  signer: Signer;
}

/** Builds the TBS from the template and has the (possibly remote) signer sign it: the key never leaves it. */
async function signCa(t: CaTemplate): Promise<CaCertificate> {
  if (t.validity.notAfter <= t.validity.notBefore) throw new X509Error('INVALID_REQUEST', 'notAfter must follow notBefore');
  const sigAlg = signatureAlgorithmFor(t.signer.algorithm);
  const tbs = encode(sequence(
    explicit(0, integer(2n)),
    integer(randomSerial()), // 159 random bits: the "160 bit serial number" of Fulcio's spec, within 20 octets
    sigAlg,
    t.issuer,
    sequence(time(t.validity.notBefore), time(t.validity.notAfter)),
    t.subject,
    t.spki,
    explicit(3, sequence(...t.extensions)),
  ));
  const der = encode(sequence(tbs, sigAlg, bitString(await t.signer.sign(tbs))));
  return { der, pem: toPem('CERTIFICATE', der) };
}

const skiExtension = (keyId: Uint8Array) => extension(oid(OID.subjectKeyIdentifier), false, tlv(TAG.OCTET_STRING, keyId));
const akiExtension = (keyId: Uint8Array) => extension(oid(OID.authorityKeyIdentifier), false, sequence(tlv(0x80, keyId)));

/**
 * A self-signed root (fulcio docs/certificate-specification.md and certificate_maker's root template, v1.8.8): KU
 * keyCertSign + cRLSign, CA:TRUE with pathlen 1 by default (root → intermediate → leaf), SKI, no EKU. Extension
 * order follows Go's x509.CreateCertificate (KU, BC, SKI), which the public sigstore root shows.
 */
export async function createRootCa(options: { subject: CaSubject; signer: Signer; validity: Validity; pathLength?: number }): Promise<CaCertificate> {
  const spki = spkiDer(checkKeyStrength(options.signer.publicKey).publicKey);
  const name = encodeName(options.subject);
  const extensions = [CA_KEY_USAGE, basicConstraints(options.pathLength ?? 1), skiExtension(keyIdentifier(spki))];
  return signCa({ issuer: name, subject: name, spki, validity: options.validity, extensions, signer: options.signer });
}

/**
 * An intermediate signed by `parent` (fulcio docs/certificate-specification.md at v1.8.8): KU keyCertSign + cRLSign,
 * EKU codeSigning (Go verifiers chain EKUs, so the leaf's codeSigning must be allowed here), CA:TRUE pathlen 0, SKI,
 * AKI = parent SKI.
 */
export async function createIntermediateCa(options: {
  subject: CaSubject;
  publicKey: KeyObject | Uint8Array;
  parent: { certDer: Uint8Array; signer: Signer };
  validity: Validity;
}): Promise<CaCertificate> {
  const spki = spkiDer(checkKeyStrength(options.publicKey).publicKey);
  const parent = parseCertificate(options.parent.certDer);
  if (!bytesEqual(parent.spki, spkiDer(options.parent.signer.publicKey))) {
    throw new X509Error('INVALID_CHAIN', "the parent signer's key is not the parent certificate's key");
  }
  const parentKeyId = subjectKeyId(parent);
  if (!parentKeyId) throw new X509Error('INVALID_CHAIN', 'the parent certificate has no subjectKeyIdentifier');
  const extensions = [CA_KEY_USAGE, CODE_SIGNING_EKU, basicConstraints(0), skiExtension(keyIdentifier(spki)), akiExtension(parentKeyId)];
  return signCa({ issuer: parent.subject, subject: encodeName(options.subject), spki, validity: options.validity, extensions, signer: options.parent.signer });
}

export { CA_KEY_USAGE, CODE_SIGNING_EKU, basicConstraints };
