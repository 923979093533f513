import { GoUrlError, goUrlString, parseGoUrl } from './go-url.js';

/**
 * Go's x509 `domainNameValid` as its certificate parser applies it to a URI SAN's host (crypto/x509 parser.go at
 * go1.26): labels of printable ASCII other than space, none empty, no trailing dot; the port stays in the host.
 */
function goDomainNameValid(host: string): boolean {
  if (host === '') return true;
  if (host.endsWith('.')) return false;
  return host.split('.').every((label) => label !== '' && /^[\x21-\x7e]+$/.test(label));
}

/**
 * The URI SAN a certificate carries for `value`: what Fulcio's `Embed` writes (`url.Parse(value)`, then x509's
 * `uri.String()`), and only if Go reads it back (x509.ParseCertificate: IA5String, `url.Parse`, a valid domain),
 * so that no certificate names a URI its Go verifiers would refuse to parse. Throws {@link GoUrlError}.
 */
export function certificateUri(value: string): string {
  const uri = goUrlString(parseGoUrl(value));
  // An IA5String is ASCII (RFC 5280 §4.2.1.6); the certificate encoder takes printable ASCII, as Go writes it.
  if (!/^[\x20-\x7e]*$/.test(uri)) throw new GoUrlError(`x509: "${uri}" cannot be encoded as an IA5String`);
  if (!goDomainNameValid(parseGoUrl(uri).host)) throw new GoUrlError(`x509: cannot parse URI "${uri}": invalid domain`);
  return uri;
}
