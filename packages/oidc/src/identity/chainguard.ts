import { ClaimError, emailVerified, stringClaim } from '../claims.js';
import { joinUrlPath } from '../go-url.js';
import { type IdentityInput, type Principal, makePrincipal } from '../principal.js';

/**
 * `chainguard-identity` (fulcio pkg/identity/chainguard/principal.go): SAN = issuer URL joined with `sub`;
 * challenge by sigstore `oauthflow.SubjectFromToken`, the rule clients use: `email` when present (must be
 * verified), else `sub`.
 */
export function chainguardPrincipal({ issuer, claims }: IdentityInput): Principal {
  const subject = stringClaim(claims, 'sub');
  const email = stringClaim(claims, 'email');
  if (email !== '' && !emailVerified(claims)) throw new ClaimError('not verified by identity provider');
  if (email === '' && subject === '') throw new ClaimError('no subject found in claims');
  return makePrincipal({
    subject,
    challenge: email || subject,
    san: { kind: 'uri', value: joinUrlPath(issuer.issuerUrl, subject) },
    extensions: { Issuer: issuer.issuerUrl },
  });
}
