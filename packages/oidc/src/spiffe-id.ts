/**
 * SPIFFE ID and trust-domain checks as go-spiffe v2 `spiffeid.FromString` / `TrustDomainFromString` perform them
 * (SPIFFE-ID spec §2): `spiffe://<trust domain>[/<path>]`, trust domain of lowercase letters, digits, `.`, `-`,
 * `_`; path segments non-empty, not `.`/`..`, of letters, digits, `.`, `-`, `_`; no trailing slash.
 */

const SCHEME_PREFIX = 'spiffe://';
const TRUST_DOMAIN_CHARS = /^[a-z0-9._-]+$/;
const SEGMENT_CHARS = /^[A-Za-z0-9._-]+$/;

/** Accepts a bare trust domain or a SPIFFE ID (whose trust domain is taken), as go-spiffe does. */
export function parseTrustDomain(idOrName: string): string {
  if (idOrName === '') throw new Error('trust domain is missing');
  if (idOrName.includes(':/')) return parseSpiffeId(idOrName).trustDomain;
  if (!TRUST_DOMAIN_CHARS.test(idOrName)) {
    throw new Error('trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores');
  }
  return idOrName;
}

export function parseSpiffeId(id: string): { trustDomain: string; path: string } {
  if (!id.startsWith(SCHEME_PREFIX)) throw new Error('scheme is missing or invalid');
  const rest = id.slice(SCHEME_PREFIX.length);
  const slash = rest.indexOf('/');
  const trustDomain = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (trustDomain === '') throw new Error('trust domain is missing');
  parseTrustDomain(trustDomain);
  if (path !== '') {
    const segments = path.slice(1).split('/');
    segments.forEach((segment, i) => {
      if (segment === '') throw new Error(i === segments.length - 1 ? 'path cannot have a trailing slash' : 'path cannot contain empty segments');
      if (segment === '.' || segment === '..') throw new Error('path cannot contain dot segments');
      if (!SEGMENT_CHARS.test(segment)) {
        throw new Error('path segment characters are limited to letters, numbers, dots, dashes, and underscores');
      }
    });
  }
  return { trustDomain, path };
}
