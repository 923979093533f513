import { bytesEqual } from '@sigbox/core';
import { X509Error } from './error.js';
import { DER_NULL, DER_TRUE, TAG, encode, explicit, integer, oid, sequence } from './der.js';
import { type Element, bitStringBytes, children, content, decodeOid, raw, readWhole } from './der-reader.js';
import { type CertificateParts, EXTENSIONS_TAG, extKeyUsages } from './certificate.js';
import { FULCIO_ARC, OID } from './oids.js';

/**
 * What an X.509 verifier reads from a leaf to decide that an issuer issued it (OpenSSL's X509_check_issued and
 * X509_verify) and what it may be used for (its EKU list), taken from the strict DER reading.
 */
export interface UnambiguousLeaf {
  parts: CertificateParts;
  /** The TBS's `signature` AlgorithmIdentifier, DER. */
  tbsSignatureAlgorithm: Uint8Array;
  /** The certificate's outer `signatureAlgorithm`, DER. */
  signatureAlgorithm: Uint8Array;
  /** The authorityKeyIdentifier's keyIdentifier, undefined without one. */
  authorityKeyId: Uint8Array | undefined;
  /** The EKU OIDs, undefined without the extension. */
  extKeyUsages: string[] | undefined;
}

const VERSION_3 = encode(explicit(0, integer(2n)));
const EMPTY_NAME = encode(sequence());
/** The subject keys Sigbox vets (checkKeyStrength): EC by named curve (RFC 5480 §2.1.1), RSA (RFC 3279 §2.3.1), Ed25519. */
const KEY_ALGORITHMS = [
  sequence(oid(OID.ecPublicKey), oid(OID.prime256v1)),
  sequence(oid(OID.ecPublicKey), oid(OID.secp384r1)),
  sequence(oid(OID.ecPublicKey), oid(OID.secp521r1)),
  sequence(oid(OID.rsaEncryption), DER_NULL),
  sequence(oid(OID.ed25519)),
].map(encode);
const FULCIO_EXTENSION_PREFIX = `${FULCIO_ARC}.`;
// GeneralName tags Fulcio writes (RFC 5280 §4.2.1.6): otherName [0] constructed, rfc822Name [1], URI [6].
const OTHER_NAME = 0xa0;
const RFC822_NAME = 0x81;
const URI = 0x86;
const EXPLICIT_0 = 0xa0;
const KEY_IDENTIFIER = 0x80; // AuthorityKeyIdentifier keyIdentifier [0] IMPLICIT

/** Thrown, and caught below like the DER reader's own errors, for whatever is left to a full X.509 decoder. */
function unclear(what: string): never {
  throw new X509Error('INVALID_CERTIFICATE', `not an unambiguous leaf: ${what}`);
}

/** X.690 §8.3.2: no leading 0x00 before a clear high bit, no leading 0xFF before a set one. */
function isMinimalInteger(body: Uint8Array): boolean {
  if (body.length < 2) return body.length === 1;
  const [first, second] = body as unknown as [number, number];
  return !((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80));
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, as RFC 5280 §4.1.2.5 writes them. */
function isTime(bytes: Uint8Array, el: Element): boolean {
  const digits = el.tag === TAG.UTC_TIME ? 12 : el.tag === TAG.GENERALIZED_TIME ? 14 : -1;
  if (el.end - el.contentStart !== digits + 1 || bytes[el.end - 1] !== 0x5a) return false;
  for (let i = el.contentStart; i < el.end - 1; i++) {
    const b = bytes[i] as number;
    if (b < 0x30 || b > 0x39) return false;
  }
  return true;
}

const isPrintableAscii = (bytes: Uint8Array): boolean => bytes.every((b) => b >= 0x20 && b <= 0x7e);

/** keyUsage: a DER BIT STRING with a bit set in the two octets verifiers read (an empty keyUsage is invalid). */
function checkKeyUsage(value: Uint8Array): void {
  const bits = content(value, readWhole(value, TAG.BIT_STRING));
  const unused = bits[0] as number;
  const last = bits[bits.length - 1] as number;
  if (bits.length < 2 || unused > 7 || (last & ((1 << unused) - 1)) !== 0 || ((bits[1] as number) | (bits[2] ?? 0)) === 0) unclear('keyUsage');
}

/** subjectAltName with the names Fulcio writes: email, URI, or otherName carrying a UTF8String. */
function checkSubjectAltName(value: Uint8Array): void {
  const names = children(value, readWhole(value, TAG.SEQUENCE));
  if (names.length === 0) unclear('empty subjectAltName');
  for (const name of names) {
    if (name.tag === RFC822_NAME || name.tag === URI) {
      if (!isPrintableAscii(content(value, name))) unclear('non-ASCII IA5String');
      continue;
    }
    const [typeId, wrapped, ...more] = name.tag === OTHER_NAME ? children(value, name) : [];
    if (typeId?.tag !== TAG.OID || wrapped?.tag !== EXPLICIT_0 || more.length > 0) return unclear('GeneralName');
    decodeOid(content(value, typeId)); // throws for an encoding OpenSSL refuses
    const inner = children(value, wrapped);
    if (inner.length !== 1 || inner[0]?.tag !== TAG.UTF8_STRING) unclear('otherName value');
  }
}

/** AuthorityKeyIdentifier with at most a keyIdentifier: authorityCertIssuer and serial are matched otherwise. */
function authorityKeyIdOf(value: Uint8Array): Uint8Array | undefined {
  const fields = children(value, readWhole(value, TAG.SEQUENCE));
  if (fields.length === 0) return undefined;
  const [keyId] = fields;
  if (fields.length > 1 || keyId?.tag !== KEY_IDENTIFIER) return unclear('authorityKeyIdentifier');
  return content(value, keyId);
}

function read(der: Uint8Array, parts: CertificateParts): UnambiguousLeaf {
  const [tbs, signatureAlgorithm, , ...trailing] = children(der, readWhole(der, TAG.SEQUENCE));
  if (!tbs || !signatureAlgorithm || trailing.length > 0) return unclear('Certificate');
  const fields = children(der, tbs);
  if (fields.length !== 8) unclear('TBSCertificate fields'); // v3 with extensions, no unique identifiers
  const [version, serial, tbsSignatureAlgorithm, , validity, subject, spki, wrapper] = fields as [Element, Element, Element, Element, Element, Element, Element, Element];
  if (!bytesEqual(raw(der, version), VERSION_3)) unclear('version');
  if (!isMinimalInteger(content(der, serial))) unclear('serialNumber');
  const times = children(der, validity);
  if (times.length !== 2 || !times.every((t) => isTime(der, t))) unclear('validity');
  // An empty subject needs no Name decoding; the issuer's Name is the caller's to compare, byte for byte.
  if (!bytesEqual(raw(der, subject), EMPTY_NAME)) unclear('subject');
  const [keyAlgorithm, key, ...moreKey] = children(der, spki);
  if (!keyAlgorithm || !key || moreKey.length > 0 || !KEY_ALGORITHMS.some((k) => bytesEqual(k, raw(der, keyAlgorithm)))) unclear('subjectPublicKeyInfo');
  bitStringBytes(der, key);

  const [list, ...moreLists] = wrapper.tag === EXTENSIONS_TAG ? children(der, wrapper) : [];
  if (!list || moreLists.length > 0) return unclear('extensions');
  const extensions = children(der, list);
  if (extensions.length === 0 || extensions.length !== parts.extensions.length) unclear('extensions');
  const seen = new Set<string>();
  let authorityKeyId: Uint8Array | undefined;
  extensions.forEach((extension, i) => {
    const extensionFields = children(der, extension);
    // critical is written only when TRUE (X.690 §11.5: a DEFAULT value is omitted), as the one octet 0xFF.
    const criticalOk = extensionFields.length === 2 || (extensionFields.length === 3 && bytesEqual(raw(der, extensionFields[1] as Element), DER_TRUE));
    const { oid: id, value } = parts.extensions[i] as CertificateParts['extensions'][number];
    if (!criticalOk || seen.has(id)) unclear('extension');
    seen.add(id);
    if (id === OID.keyUsage) checkKeyUsage(value);
    else if (id === OID.subjectAltName) checkSubjectAltName(value);
    else if (id === OID.authorityKeyIdentifier) authorityKeyId = authorityKeyIdOf(value);
    else if (id === OID.subjectKeyIdentifier) readWhole(value, TAG.OCTET_STRING);
    // extKeyUsage is read below; the CT extensions and Fulcio's are opaque to X.509 verifiers.
    else if (id !== OID.extKeyUsage && id !== OID.ctPoison && id !== OID.ctSctList && !id.startsWith(FULCIO_EXTENSION_PREFIX)) unclear(`extension ${id}`);
  });
  return {
    parts,
    tbsSignatureAlgorithm: raw(der, tbsSignatureAlgorithm),
    signatureAlgorithm: raw(der, signatureAlgorithm),
    authorityKeyId,
    extKeyUsages: extKeyUsages(parts),
  };
}

/**
 * `parts` (parseCertificate of `der`) as an X.509 verifier reads them, when the certificate leaves it nothing to
 * read differently: a v3 Fulcio leaf in DER, empty subject, a key Sigbox accepts, and only the extensions Fulcio
 * writes (keyUsage, EKU, SKI, AKI with a keyIdentifier, subjectAltName of email, URI or otherName, Fulcio's and
 * the CT ones), each once and in its DER form. Anything else — tolerated by a lenient decoder, refused by a strict
 * one, or decoded by OpenSSL at all (basicConstraints, policies…) — is undefined: ask OpenSSL.
 */
export function readUnambiguousLeaf(der: Uint8Array, parts: CertificateParts): UnambiguousLeaf | undefined {
  try {
    return read(der, parts);
  } catch (err) {
    if (err instanceof X509Error) return undefined;
    throw err;
  }
}
