import { X509Error } from './error.js';
import { type Element, bitStringBytes, children, content, decodeOid, raw, readElement, readWhole } from './der-reader.js';
import { TAG, encode, explicit, sequence } from './der.js';
import { OID } from './oids.js';

/** One extension as it sits in the certificate: `value` is the extnValue OCTET STRING's content. */
export interface CertificateExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** The byte-level parts of a certificate (RFC 5280 §4.1); all `Uint8Array`s are views into the input. */
export interface CertificateParts {
  tbs: Uint8Array;
  serial: bigint;
  signatureAlgorithm: string;
  issuer: Uint8Array;
  validity: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  extensions: CertificateExtension[];
  signature: Uint8Array;
}

export const EXTENSIONS_TAG = 0xa3; // [3] EXPLICIT Extensions

function expect(el: Element | undefined, tag: number, what: string): Element {
  if (!el || el.tag !== tag) throw new X509Error('INVALID_CERTIFICATE', `certificate: bad or missing ${what}`);
  return el;
}

function parseExtensions(der: Uint8Array, wrapper: Element | undefined): CertificateExtension[] {
  if (!wrapper) return [];
  const list = readElement(der, wrapper.contentStart, wrapper.end);
  return children(der, expect(list, TAG.SEQUENCE, 'extensions')).map((ext) => {
    const [id, second, third] = children(der, expect(ext, TAG.SEQUENCE, 'extension'));
    const critical = second?.tag === TAG.BOOLEAN && der[second.contentStart] !== 0;
    const value = expect(second?.tag === TAG.BOOLEAN ? third : second, TAG.OCTET_STRING, 'extnValue');
    return { oid: decodeOid(content(der, expect(id, TAG.OID, 'extnID'))), critical, value: content(der, value) };
  });
}

/** Splits a DER certificate into its parts without interpreting names or times. */
export function parseCertificate(der: Uint8Array): CertificateParts {
  const [tbsEl, algEl, sigEl] = children(der, readWhole(der, TAG.SEQUENCE));
  const tbs = expect(tbsEl, TAG.SEQUENCE, 'tbsCertificate');
  const fields = children(der, tbs);
  if (fields[0]?.tag === 0xa0) fields.shift(); // version [0]
  const [serial, , issuer, validity, subject, spki, ...rest] = fields;
  const alg = children(der, expect(algEl, TAG.SEQUENCE, 'signatureAlgorithm'))[0];
  return {
    tbs: raw(der, tbs),
    serial: BigInt(`0x${Buffer.from(content(der, expect(serial, TAG.INTEGER, 'serial'))).toString('hex') || '0'}`),
    signatureAlgorithm: decodeOid(content(der, expect(alg, TAG.OID, 'signature algorithm'))),
    issuer: raw(der, expect(issuer, TAG.SEQUENCE, 'issuer')),
    validity: raw(der, expect(validity, TAG.SEQUENCE, 'validity')),
    subject: raw(der, expect(subject, TAG.SEQUENCE, 'subject')),
    spki: raw(der, expect(spki, TAG.SEQUENCE, 'subjectPublicKeyInfo')),
    extensions: parseExtensions(der, rest.find((el) => el.tag === EXTENSIONS_TAG)),
    signature: bitStringBytes(der, expect(sigEl, TAG.BIT_STRING, 'signature')),
  };
}

/**
 * The subjectPublicKeyInfo of a DER certificate (RFC 5280 §4.1.2.7), found by walking only the TBSCertificate's
 * first fields: for a verifier that needs the key, not the rest. Throws X509Error as parseCertificate does.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const cert = readWhole(der, TAG.SEQUENCE);
  const tbs = expect(readElement(der, cert.contentStart, cert.end), TAG.SEQUENCE, 'tbsCertificate');
  let field = readElement(der, tbs.contentStart, tbs.end);
  if (field.tag === 0xa0) field = readElement(der, field.end, tbs.end); // version [0]
  for (let i = 0; i < 5; i++) field = readElement(der, field.end, tbs.end); // serial, signature, issuer, validity, subject
  return raw(der, expect(field, TAG.SEQUENCE, 'subjectPublicKeyInfo'));
}

/** A subjectKeyIdentifier extnValue's key ID (RFC 5280 §4.2.1.2: KeyIdentifier ::= OCTET STRING). */
export function decodeSubjectKeyId(value: Uint8Array): Uint8Array {
  return content(value, readWhole(value, TAG.OCTET_STRING));
}

/** The subjectKeyIdentifier key ID, or undefined when the certificate has none. */
export function subjectKeyId(parts: CertificateParts): Uint8Array | undefined {
  const ski = parts.extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
  return ski && decodeSubjectKeyId(ski.value);
}

/**
 * An extKeyUsage extnValue's OIDs (RFC 5280 §4.2.1.12). Each KeyPurposeId must be an OBJECT IDENTIFIER in DER;
 * anything else throws, as OpenSSL then reads no EKU at all.
 */
export function decodeExtKeyUsage(value: Uint8Array): string[] {
  return children(value, readWhole(value, TAG.SEQUENCE)).map((el) => decodeOid(content(value, expect(el, TAG.OID, 'KeyPurposeId'))));
}

/** The OIDs of the extKeyUsage extension, or undefined when the certificate has none. */
export function extKeyUsages(parts: CertificateParts): string[] | undefined {
  const eku = parts.extensions.find((e) => e.oid === OID.extKeyUsage);
  return eku && decodeExtKeyUsage(eku.value);
}

/**
 * A TBSCertificate with one extension removed and every enclosing length re-encoded. This is how CT verifiers
 * rebuild the precertificate TBS from a final certificate (RFC 6962 §3.2: drop the SCT list extension), and how
 * a log strips the poison from a submitted precertificate.
 */
export function removeExtension(tbsDer: Uint8Array, extensionOid: string): Uint8Array {
  const tbs = readWhole(tbsDer, TAG.SEQUENCE);
  const fields = children(tbsDer, tbs);
  const wrapper = fields.find((el) => el.tag === EXTENSIONS_TAG);
  if (!wrapper) return tbsDer;
  const list = readElement(tbsDer, wrapper.contentStart, wrapper.end);
  const kept = children(tbsDer, list).filter((ext) => {
    const id = children(tbsDer, ext)[0];
    return !id || decodeOid(content(tbsDer, id)) !== extensionOid;
  });
  const others = fields.filter((el) => el !== wrapper).map((el) => raw(tbsDer, el));
  const extensions = kept.length === 0 ? [] : [explicit(3, sequence(...kept.map((el) => raw(tbsDer, el))))];
  return encode(sequence(...others, ...extensions));
}
