import crypto, { type KeyObject } from 'node:crypto';
import { bytesEqual, spkiDer } from '@sigbox/core';
import { X509Error } from './error.js';
import { type CertificateParts, extKeyUsages, parseCertificate } from './certificate.js';
import { checkKeyStrength } from './key-strength.js';
import { OID } from './oids.js';

const fail = (message: string, cause?: unknown): never => {
  throw new X509Error('INVALID_CHAIN', message, cause === undefined ? {} : { cause });
};

/** No EKU extension counts as "any", as Go's Verify reads it. */
function allowsCodeSigning(parts: CertificateParts): boolean {
  const ekus = extKeyUsages(parts);
  return ekus === undefined || ekus.includes(OID.codeSigning) || ekus.includes(OID.anyExtendedKeyUsage);
}

function checkLink(child: crypto.X509Certificate, parent: crypto.X509Certificate, index: number, now: Date): void {
  if (!parent.ca) fail(`certificate ${index + 1} is not a CA`);
  if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) fail(`certificate ${index} is not signed by certificate ${index + 1}`);
  if (now < new Date(child.validFrom) || now > new Date(child.validTo)) fail(`certificate ${index} is not valid at ${now.toISOString()}`);
}

/**
 * The startup checks of fulcio pkg/ca/common.go VerifyCertChain (v1.8.8) on a chain ordered issuing CA
 * first, root last: every link verifies and the root is self-signed, all valid at `now`; the first certificate is a
 * CA; with an intermediate, EKUs chain to codeSigning (Go's Verify with KeyUsages codeSigning); the first
 * certificate's key is the signer's and passes the key policy.
 */
export function validateCaChain(chainDer: Uint8Array[], signerPublicKey: KeyObject, now: Date = new Date()): void {
  if (chainDer.length === 0) fail('certificate chain must contain at least one certificate');
  let certs: crypto.X509Certificate[];
  let parts: CertificateParts[];
  try {
    certs = chainDer.map((der) => new crypto.X509Certificate(der));
    parts = chainDer.map((der) => parseCertificate(der));
  } catch (cause) {
    return fail('a chain certificate cannot be parsed', cause);
  }
  certs.forEach((cert, i) => checkLink(cert, certs[i + 1] ?? cert, i, now));
  if (!certs[0]?.ca) fail('certificate is not a CA');
  if (!parts.every(allowsCodeSigning)) fail('certificate must have extended key usage code signing set to sign code signing certificates');
  if (!bytesEqual((parts[0] as CertificateParts).spki, spkiDer(signerPublicKey))) fail("the signer's key is not the issuing certificate's key");
  checkKeyStrength(signerPublicKey);
}
