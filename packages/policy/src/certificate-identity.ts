import { parseCertificate, readCertificate } from '@sigbox/x509';
import { CertificateIdentityError } from './error.js';
import { EXTENSION_FIELDS, type ExtensionName } from './fields.js';
import type { Identity } from './types.js';

// fulcio docs/oid-info.md @ 001376a50932095cf4b6e65299ed2d29abe83524: 1.1 is the deprecated issuer as raw bytes,
// 1.7 the otherName type-id of `username` SANs; 1.8 onward are DER UTF8Strings.
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_OTHERNAME = '1.3.6.1.4.1.57264.1.7';
const UTF8_STRING = 0x0c;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(message: string, cause?: unknown): never {
  throw new CertificateIdentityError('INVALID_CERTIFICATE', message, { cause });
}

/** The content of a DER UTF8String (X.690 §8.1.3: short or long definite length), refusing trailing bytes. */
function derUtf8String(bytes: Uint8Array, oid: string): string {
  if (bytes[0] !== UTF8_STRING || bytes.length < 2) fail(`extension ${oid} is not a UTF8String`);
  let length = bytes[1]!;
  let start = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3) fail(`extension ${oid} has an unsupported length`);
    length = 0;
    for (let i = 0; i < octets; i++) length = (length << 8) | (bytes[2 + i] ?? fail(`extension ${oid} is truncated`));
    start = 2 + octets;
  }
  if (start + length !== bytes.length) fail(`extension ${oid} has a wrong length`);
  try {
    return utf8.decode(bytes.subarray(start));
  } catch (error) {
    return fail(`extension ${oid} is not UTF-8`, error);
  }
}

/**
 * What a policy judges, read from a Fulcio leaf certificate (DER): the single subjectAltName (email, URI or the
 * otherName username), the issuer from 1.8 (or the deprecated raw 1.1 of older certificates), and every extension
 * 1.8–1.23 present. Does not verify the certificate: the caller has already checked its chain.
 */
export function identityFromCertificate(der: Uint8Array): Identity {
  let sans;
  let extensions;
  try {
    sans = readCertificate(der).subjectAltNames();
    extensions = parseCertificate(der).extensions;
  } catch (error) {
    return fail('certificate does not parse', error);
  }
  if (sans.length !== 1) fail(`certificate has ${sans.length} subjectAltNames, Fulcio issues exactly one`);
  const san = sans[0]!;
  const subject =
    san.kind === 'email' || san.kind === 'uri' ? san.value
    : san.kind === 'otherName' && san.typeId === OID_OTHERNAME && san.utf8String ? san.utf8String
    : fail(`subjectAltName of kind ${san.kind} is not a Fulcio identity`);
  const values: Partial<Record<ExtensionName, string>> = {};
  for (const field of EXTENSION_FIELDS) {
    const ext = extensions.find((e) => e.oid === field.oid);
    if (ext) values[field.name] = derUtf8String(ext.value, field.oid);
  }
  const legacy = extensions.find((e) => e.oid === OID_ISSUER_V1);
  const issuer = values.issuer ?? (legacy ? utf8Raw(legacy.value) : fail('certificate names no OIDC issuer (1.8 or 1.1)'));
  return { issuer, subject, extensions: values };
}

function utf8Raw(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    return fail('extension 1.1 is not UTF-8', error);
  }
}
