import { ClaimError, type Claims, stringClaim } from '../claims.js';
import { isEmail } from '../email-address.js';
import { goText, goUrlHostname, parseGoUrl } from '../go-url.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';
import { parseSpiffeId, parseTrustDomain } from '../spiffe-id.js';

/**
 * Identity types whose certificate carries only 1.1, 1.8 and 1.24 and whose challenge is `sub`:
 * kubernetes, spiffe, uri, username (fulcio pkg/identity/{kubernetes,spiffe,uri,username}/principal.go).
 */

/** Kubernetes service-account tokens: SAN from the `kubernetes.io` claim (no emptiness check upstream). */
export function kubernetesPrincipal({ issuer, claims }: IdentityInput): Principal {
  const k8s = object(claims['kubernetes.io'], 'kubernetes.io');
  const namespace = stringClaim(k8s, 'namespace');
  const serviceAccount = stringClaim(object(k8s.serviceaccount, 'serviceaccount'), 'name');
  const uri = `https://kubernetes.io/namespaces/${namespace}/serviceaccounts/${serviceAccount}`;
  return subjectPrincipal(issuer.issuerUrl, stringClaim(claims, 'sub'), { kind: 'uri', value: uri });
}

/** SPIFFE JWT-SVIDs: `sub` must be a SPIFFE ID in the configured trust domain. */
export function spiffePrincipal({ issuer, claims }: IdentityInput): Principal {
  const id = stringClaim(claims, 'sub');
  const trustDomain = parseTrustDomain(issuer.spiffeTrustDomain);
  let parsed: { trustDomain: string };
  try { parsed = parseSpiffeId(id); } catch { throw new ClaimError(`invalid spiffe ID provided: ${id}`); }
  if (parsed.trustDomain !== trustDomain) {
    throw new ClaimError(`spiffe ID trust domain ${parsed.trustDomain} doesn't match configured trust domain ${issuer.spiffeTrustDomain}`);
  }
  return subjectPrincipal(issuer.issuerUrl, id, { kind: 'uri', value: id });
}

/**
 * `uri` issuers: `sub` is a URI Go's `url.Parse` reads, whose scheme and host equal those of `SubjectDomain`; never
 * an email. The SAN is Go's rendering of it (makePrincipal), extension 1.24 the claim as sent.
 */
export function uriPrincipal({ issuer, claims }: IdentityInput): Principal {
  const uri = stringClaim(claims, 'sub');
  if (isEmail(uri)) throw new ClaimError('uri subject should not be an email address');
  const subject = parseGoUrl(uri);
  const domain = parseGoUrl(issuer.subjectDomain);
  if (subject.scheme !== domain.scheme) {
    throw new ClaimError(`subject URI scheme (${goText(subject.scheme)}) must match expected domain URI scheme (${goText(domain.scheme)})`);
  }
  const [subjectHost, domainHost] = [goUrlHostname(subject), goUrlHostname(domain)];
  if (subjectHost !== domainHost) {
    throw new ClaimError(`subject hostname (${goText(subjectHost)}) must match expected domain (${goText(domainHost)})`);
  }
  return subjectPrincipal(issuer.issuerUrl, uri, { kind: 'uri', value: uri });
}

/** `username` issuers: otherName SAN `<sub>!<SubjectDomain>`; `sub` without `!` and not an email. */
export function usernamePrincipal({ issuer, claims }: IdentityInput): Principal {
  const username = stringClaim(claims, 'sub');
  if (username.includes('!')) throw new ClaimError('username cannot contain ! character');
  if (isEmail(username)) throw new ClaimError('uri subject should not be an email address');
  return subjectPrincipal(issuer.issuerUrl, username, { kind: 'username', value: `${username}!${issuer.subjectDomain}` });
}

// A nested JSON object decoded into a Go struct: absent is the zero struct, another type fails decoding.
function object(value: unknown, name: string): Claims {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ClaimError(`claim ${name} must be an object`);
  return value as Claims;
}
