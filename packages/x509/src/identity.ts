import { X509Error } from './error.js';
import { type Der, explicit, extension, oid, sequence, tlv, utf8String } from './der.js';
import { FULCIO_ARC, FULCIO_LAST_RAW_ARC, FULCIO_OIDS, OID } from './oids.js';

/**
 * Who a leaf certificate names. `san` becomes the single subjectAltName entry (Fulcio's certificate specification:
 * exactly one SAN); `extensions` are Fulcio OIDs in the order they must appear (1.1–1.6, then 1.8 upward). Values
 * are plain strings: the encoder picks raw UTF-8 or DER UTF8String from the OID. Empty values are left out, as
 * fulcio's Extensions.Render does.
 */
export interface CertificateIdentity {
  san: { kind: 'email' | 'uri' | 'username'; value: string };
  extensions: Array<{ oid: string; value: string }>;
}

// GeneralName CHOICE tags (RFC 5280 §4.2.1.6): otherName [0] (constructed), rfc822Name [1], URI [6].
const GENERAL_NAME = { otherName: 0, rfc822Name: 0x81, uri: 0x86 } as const;

const SAN_OID = oid(OID.subjectAltName);
const OTHER_NAME_TYPE_ID = oid(FULCIO_OIDS.otherName);
const oidCache = new Map<string, Uint8Array>();

function cachedOid(dotted: string): Uint8Array {
  let der = oidCache.get(dotted);
  if (!der) {
    der = oid(dotted);
    oidCache.set(dotted, der);
  }
  return der;
}

function ia5(value: string, kind: string): Uint8Array {
  // IA5String is 7-bit ASCII; anything else would be mis-encoded, so refuse it (RFC 5280 §4.2.1.6: IDNs as A-labels).
  if (value.length === 0 || !/^[\x20-\x7e]+$/.test(value)) {
    throw new X509Error('INVALID_IDENTITY', `${kind} SAN must be non-empty printable ASCII`);
  }
  return Buffer.from(value, 'latin1');
}

/**
 * The subjectAltName extension, critical because the subject is empty (RFC 5280 §4.2.1.6). A `username` SAN is
 * an otherName: type-id 1.3.6.1.4.1.57264.1.7, value `[0] EXPLICIT UTF8String` (sigstore cryptoutils
 * MarshalOtherNameSAN).
 */
export function encodeSubjectAltName(san: CertificateIdentity['san']): Der {
  let name: Der;
  if (san.kind === 'email') name = tlv(GENERAL_NAME.rfc822Name, ia5(san.value, 'email'));
  else if (san.kind === 'uri') name = tlv(GENERAL_NAME.uri, ia5(san.value, 'uri'));
  else if (san.kind === 'username' && san.value.length > 0) {
    name = explicit(GENERAL_NAME.otherName, OTHER_NAME_TYPE_ID, explicit(0, utf8String(san.value)));
  } else throw new X509Error('INVALID_REQUEST', `unsupported SAN kind ${String(san.kind)}`);
  return extension(SAN_OID, true, sequence(name));
}

function fulcioArc(dotted: string): number {
  const prefix = `${FULCIO_ARC}.`;
  const arc = dotted.startsWith(prefix) ? Number(dotted.slice(prefix.length)) : Number.NaN;
  if (!Number.isSafeInteger(arc) || arc < 1 || arc === 7) {
    throw new X509Error('INVALID_REQUEST', `${dotted} is not a Fulcio certificate extension`);
  }
  return arc;
}

/**
 * Encodes the Fulcio extensions (all non-critical), refusing OIDs outside the arc, 1.7, and any order other than
 * strictly ascending (which also rules out duplicates): Fulcio emits them in OID order and verifiers
 * rebuilding precertificates depend on a stable order.
 */
export function encodeFulcioExtensions(extensions: CertificateIdentity['extensions']): Der[] {
  const out: Der[] = [];
  let previous = 0;
  for (const { oid: dotted, value } of extensions) {
    const arc = fulcioArc(dotted);
    if (arc <= previous) throw new X509Error('INVALID_REQUEST', `Fulcio extension ${dotted} out of order`);
    previous = arc;
    if (value === '') continue;
    const encoded = arc <= FULCIO_LAST_RAW_ARC ? Buffer.from(value, 'utf8') : utf8String(value);
    out.push(extension(cachedOid(dotted), false, encoded));
  }
  return out;
}

