import 'reflect-metadata';
import { X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import { derChildren, decodeOid, readDerNodes, type DerNode } from './der.js';

const OID_SUBJECT_ALT_NAME = '2.5.29.17'; // RFC 5280 §4.2.1.6
// Fulcio's username SAN (sigstore/sigstore pkg/cryptoutils/sans.go OIDOtherName).
const OID_FULCIO_OTHERNAME = '1.3.6.1.4.1.57264.1.7';

// GeneralName context tags (RFC 5280 §4.2.1.6).
const GN_OTHER_NAME = 0xa0;
const GN_RFC822 = 0x81;
const GN_DNS = 0x82;
const GN_URI = 0x86;
const GN_IP = 0x87;
const TAG_UTF8_STRING = 0x0c;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

interface SanLists {
  dns: string[];
  emails: string[];
  ips: string[];
  uris: string[];
  otherNames: Array<string | null>;
}

/** IPv4 dotted quad, or IPv6 in Go's `net.IP.String()` form (RFC 5952 shortening). */
function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return `?${Buffer.from(bytes).toString('hex')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return Array.from(bytes.subarray(12)).join('.');
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** The Fulcio username, or null for any other OtherName (which makes sigstore skip otherNames entirely). */
function otherNameValue(node: DerNode): string | null {
  // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT UTF8String } (implicitly tagged [0] in GeneralName)
  const [oid, wrapped] = derChildren(node);
  if (oid === undefined || wrapped === undefined || decodeOid(oid.content) !== OID_FULCIO_OTHERNAME) return null;
  const [value] = derChildren(wrapped);
  return value?.tag === TAG_UTF8_STRING ? utf8.decode(value.content) : null;
}

function collect(extension: Uint8Array, out: SanLists): void {
  const [seq] = readDerNodes(extension);
  if (seq === undefined) return;
  for (const name of derChildren(seq)) {
    if (name.tag === GN_DNS) out.dns.push(latin1.decode(name.content));
    else if (name.tag === GN_RFC822) out.emails.push(latin1.decode(name.content));
    else if (name.tag === GN_IP) out.ips.push(formatIp(name.content));
    else if (name.tag === GN_URI) out.uris.push(latin1.decode(name.content));
    else if (name.tag === GN_OTHER_NAME) out.otherNames.push(otherNameValue(name));
  }
}

/**
 * Every subject alternative name of a certificate in the order sigstore's `GetSubjectAlternateNames` lists
 * them: DNS names, emails, IPs, URIs, then the Fulcio username otherName (only when there is exactly one).
 * These become Rekor search-index keys (rekor pkg/pki/x509 `Subjects`).
 */
export function subjectAlternativeNames(certDer: Uint8Array): string[] {
  const cert = new PeculiarCertificate(certDer);
  const out: SanLists = { dns: [], emails: [], ips: [], uris: [], otherNames: [] };
  for (const ext of cert.extensions) {
    if (ext.type === OID_SUBJECT_ALT_NAME) collect(new Uint8Array(ext.value), out);
  }
  // sigstore UnmarshalOtherNameSAN: exactly one OtherName, and it must carry the Fulcio OID.
  const only = out.otherNames.length === 1 ? out.otherNames[0] : null;
  const other = typeof only === 'string' ? [only] : [];
  return [...out.dns, ...out.emails, ...out.ips, ...out.uris, ...other];
}
