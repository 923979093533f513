import { type Identity, type Policy, judgeRule } from '@sigbox/policy';
import { parseCertificate } from '@sigbox/x509';

// fulcio docs/oid-info.md @ 001376a50932095cf4b6e65299ed2d29abe83524: 1.8 is the issuer as a DER UTF8String.
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
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

/**
 * The issuer (1.8) and the single email or URI SAN of a Fulcio certificate, read from its DER alone: a cheap
 * stand-in for @sigbox/policy `identityFromCertificate`, whose OpenSSL parse costs most of the identity watch
 * (bench/monitor/README.md). Undefined whenever the certificate is anything but that plain shape, so the caller
 * then takes the full path.
 */
export function quickIdentity(der: Uint8Array): Identity | undefined {
  let extensions;
  try {
    ({ extensions } = parseCertificate(der));
  } catch {
    return undefined;
  }
  const issuerExt = extensions.find((e) => e.oid === OID_ISSUER_V2)?.value;
  const sans = extensions.filter((e) => e.oid === OID_SUBJECT_ALT_NAME);
  if (issuerExt === undefined || sans.length !== 1) return undefined;
  const issuer = tlv(issuerExt, 0);
  const names = tlv(sans[0]!.value, 0);
  if (issuer?.tag !== UTF8_STRING || issuer.end !== issuerExt.length || names?.tag !== SEQUENCE || names.end !== sans[0]!.value.length) return undefined;
  const name = tlv(sans[0]!.value, names.start);
  if (name === undefined || name.end !== names.end || (name.tag !== EMAIL_TAG && name.tag !== URI_TAG)) return undefined;
  try {
    return { issuer: utf8.decode(issuerExt.subarray(issuer.start, issuer.end)), subject: utf8.decode(sans[0]!.value.subarray(name.start, name.end)) };
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
