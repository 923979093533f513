import { X509Error } from './error.js';
import { type Element, children, content, readWhole } from './der-reader.js';
import { type CertificateParts, decodeExtKeyUsage, decodeSubjectKeyId } from './certificate.js';
import { TAG } from './der.js';
import { readGeneralNames } from './general-names.js';
import { OID } from './oids.js';

function fail(oid: string, what: string): never {
  throw new X509Error('INVALID_CERTIFICATE', `extension ${oid}: ${what}`);
}

/** KeyUsage ::= BIT STRING in DER: at most 7 unused bits, none without content, and those bits zero (X.690 §11.2). */
function checkKeyUsage(value: Uint8Array): void {
  const bits = content(value, readWhole(value, TAG.BIT_STRING));
  const unused = bits[0] ?? 8;
  const last = bits[bits.length - 1] as number;
  if (unused > 7 || (bits.length === 1 && unused > 0) || (last & ((1 << unused) - 1)) !== 0) fail(OID.keyUsage, 'not a DER BIT STRING');
}

/** A DER BOOLEAN: one octet, 0x00 or 0xFF (X.690 §11.1). */
function isBoolean(bytes: Uint8Array, el: Element): boolean {
  const body = content(bytes, el);
  return body.length === 1 && (body[0] === 0 || body[0] === 0xff);
}

/** A DER INTEGER ≥ 0: no redundant leading octet (X.690 §8.3.2), top bit clear. */
function isNonNegativeInteger(bytes: Uint8Array, el: Element): boolean {
  const [first, second] = content(bytes, el);
  return el.tag === TAG.INTEGER && first !== undefined && first < 0x80 && !(first === 0 && second !== undefined && second < 0x80);
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } (RFC 5280 §4.2.1.9). */
function checkBasicConstraints(value: Uint8Array): void {
  const fields = children(value, readWhole(value, TAG.SEQUENCE));
  const ca = fields[0]?.tag === TAG.BOOLEAN ? fields.shift() : undefined;
  const [pathLength, ...rest] = fields;
  if ((ca && !isBoolean(value, ca)) || (pathLength && !isNonNegativeInteger(value, pathLength)) || rest.length > 0) {
    fail(OID.basicConstraints, 'not a cA flag and a path length');
  }
}

// AuthorityKeyIdentifier's fields (RFC 5280 §4.2.1.1, IMPLICIT tags): keyIdentifier [0] OCTET STRING,
// authorityCertIssuer [1] GeneralNames, authorityCertSerialNumber [2] INTEGER; all optional, in this order.
const AKI_FIELDS = [0x80, 0xa1, 0x82];

function checkAuthorityKeyId(value: Uint8Array): void {
  let next = 0;
  for (const field of children(value, readWhole(value, TAG.SEQUENCE))) {
    const index = AKI_FIELDS.indexOf(field.tag);
    if (index < next) fail(OID.authorityKeyIdentifier, 'not an optional key identifier, issuer and serial, in this order');
    if (field.tag === 0xa1) children(value, field); // the issuer's GeneralNames, DER throughout
    next = index + 1;
  }
}

const CHECKS: Readonly<Record<string, (value: Uint8Array) => unknown>> = {
  [OID.keyUsage]: checkKeyUsage,
  [OID.extKeyUsage]: decodeExtKeyUsage,
  [OID.subjectKeyIdentifier]: decodeSubjectKeyId,
  [OID.authorityKeyIdentifier]: checkAuthorityKeyId,
  [OID.basicConstraints]: checkBasicConstraints,
  [OID.subjectAltName]: readGeneralNames,
  [OID.issuerAltName]: readGeneralNames, // RFC 5280 §4.2.1.7: the subjectAltName syntax
};

/**
 * Decodes every RFC 5280 extension that X.509 libraries read as they parse (keyUsage, extKeyUsage, the key
 * identifiers, basicConstraints, the alternative names) and throws X509Error for one that does not decode: Go's
 * x509.ParseCertificate or @peculiar/x509 refuses such a certificate, while OpenSSL parses it and flags it invalid
 * only when the extension is used.
 */
export function checkStandardExtensions(parts: CertificateParts): void {
  for (const ext of parts.extensions) CHECKS[ext.oid]?.(ext.value);
}
