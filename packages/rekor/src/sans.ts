import { FULCIO_OIDS, type Certificate, type GeneralName } from '@sigbox/x509';

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

/** The text of each name of one kind, in certificate order. */
function texts(names: GeneralName[], kind: 'dns' | 'email' | 'uri'): string[] {
  return names.flatMap((name) => (name.kind === kind ? [name.value] : []));
}

/**
 * Every subject alternative name of a certificate in the order sigstore's `GetSubjectAlternateNames` lists
 * them: DNS names, emails, IPs, URIs, then the Fulcio username otherName (only when there is exactly one).
 * These become Rekor search-index keys (rekor pkg/pki/x509 `Subjects`).
 */
export function subjectAlternativeNames(certificate: Certificate): string[] {
  const names = certificate.subjectAltNames();
  const ips = names.flatMap((name) => (name.kind === 'ip' ? [formatIp(name.octets)] : []));
  // sigstore UnmarshalOtherNameSAN: exactly one OtherName, and it must carry the Fulcio OID and a UTF8String.
  const otherNames = names.filter((name) => name.kind === 'otherName');
  const only = otherNames.length === 1 ? otherNames[0] : undefined;
  const username = only?.typeId === FULCIO_OIDS.otherName && only.utf8String !== undefined ? [only.utf8String] : [];
  return [...texts(names, 'dns'), ...texts(names, 'email'), ...ips, ...texts(names, 'uri'), ...username];
}
