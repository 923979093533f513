import { type Identity, type Policy, judgeRule } from '@sigbox/policy';

// The OIDs as DER content bytes, compared as bytes. fulcio docs/oid-info.md @ 001376a50932095cf4b6e65299ed2d29abe83524:
// 1.3.6.1.4.1.57264.1.8 is the issuer as a DER UTF8String; 2.5.29.17 is subjectAltName (RFC 5280 §4.2.1.6).
const OID_ISSUER_V2 = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x08);
const OID_SUBJECT_ALT_NAME = Uint8Array.of(0x55, 0x1d, 0x11);
const OID = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const EXTENSIONS_TAG = 0xa3; // [3] EXPLICIT Extensions in TBSCertificate (RFC 5280 §4.1)
const UTF8_STRING = 0x0c;
/** GeneralName [1] rfc822Name and [6] uniformResourceIdentifier, IMPLICIT IA5String (RFC 5280 §4.2.1.6). */
const EMAIL_TAG = 0x81;
const URI_TAG = 0x86;
const SEQUENCE = 0x30;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** One DER TLV at `at`: tag, content start and end; undefined when it does not fit. */
function tlv(bytes: Uint8Array, at: number): { tag: number; start: number; end: number } | undefined {
  const tag = bytes[at];
  let length = bytes[at + 1];
  if (tag === undefined || length === undefined) return undefined;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = (length << 8) | (bytes[start + i] ?? Number.NaN);
    start += octets;
  }
  const end = start + length;
  return Number.isNaN(end) || end > bytes.length ? undefined : { tag, start, end };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The extnValue contents of the extensions with these OIDs, by walking certificate → tbs → [3] → Extension. */
function extensionValues(der: Uint8Array): { issuer: Uint8Array[]; san: Uint8Array[] } | undefined {
  const cert = tlv(der, 0);
  const tbs = cert?.tag === SEQUENCE && cert.end === der.length ? tlv(der, cert.start) : undefined;
  if (tbs?.tag !== SEQUENCE) return undefined;
  const found = { issuer: [] as Uint8Array[], san: [] as Uint8Array[] };
  for (let at = tbs.start; at < tbs.end; ) {
    const field = tlv(der, at);
    if (field === undefined || field.end > tbs.end) return undefined;
    at = field.end;
    if (field.tag !== EXTENSIONS_TAG) continue;
    const list = tlv(der, field.start);
    if (list?.tag !== SEQUENCE || list.end !== field.end) return undefined;
    for (let e = list.start; e < list.end; ) {
      const ext = tlv(der, e);
      const oid = ext?.tag === SEQUENCE ? tlv(der, ext.start) : undefined;
      if (ext === undefined || oid?.tag !== OID || ext.end > list.end) return undefined;
      let value = tlv(der, oid.end);
      if (value?.tag === BOOLEAN) value = tlv(der, value.end);
      if (value?.tag !== OCTET_STRING || value.end !== ext.end) return undefined;
      const id = der.subarray(oid.start, oid.end);
      if (sameBytes(id, OID_ISSUER_V2)) found.issuer.push(der.subarray(value.start, value.end));
      if (sameBytes(id, OID_SUBJECT_ALT_NAME)) found.san.push(der.subarray(value.start, value.end));
      e = ext.end;
    }
  }
  return found;
}

/**
 * The issuer (1.8) and the single email or URI SAN of a Fulcio certificate, read from its DER by a small walk: a
 * cheap stand-in for @sigbox/policy `identityFromCertificate`, whose parse (OpenSSL and the strict DER reading)
 * costs most of the identity watch (bench/monitor/README.md). Undefined whenever the certificate is anything but
 * that plain shape, so the caller then takes the full path.
 */
export function quickIdentity(der: Uint8Array): Identity | undefined {
  const found = extensionValues(der);
  if (found?.issuer.length !== 1 || found.san.length !== 1) return undefined;
  const issuerExt = found.issuer[0] as Uint8Array;
  const sanExt = found.san[0] as Uint8Array;
  const issuer = tlv(issuerExt, 0);
  const names = tlv(sanExt, 0);
  if (issuer?.tag !== UTF8_STRING || issuer.end !== issuerExt.length || names?.tag !== SEQUENCE || names.end !== sanExt.length) return undefined;
  const name = tlv(sanExt, names.start);
  if (name === undefined || name.end !== names.end || (name.tag !== EMAIL_TAG && name.tag !== URI_TAG)) return undefined;
  try {
    return { issuer: utf8.decode(issuerExt.subarray(issuer.start, issuer.end)), subject: utf8.decode(sanExt.subarray(name.start, name.end)) };
  } catch {
    return undefined;
  }
}

/**
 * Whether any rule's selector could match the certificate: false only when its quick identity is read and every
 * selector mismatches it, which is exactly when `watch` would raise nothing for it. Entries signed by identities no
 * rule is about (most of a shared log) then skip the full certificate parse.
 */
export function mayConcern(policy: Policy, der: Uint8Array): boolean {
  const identity = quickIdentity(der);
  if (identity === undefined) return true;
  return policy.rules.some((rule) => judgeRule(rule, identity, {}).outcome !== 'selector-mismatch');
}
