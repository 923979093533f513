import { ClaimError, emailVerified, jsonPathValue, stringClaim } from '../claims.js';
import { isEmail } from '../email-address.js';
import { OidcError } from '../error.js';
import { type IdentityInput, type Principal, makePrincipal } from '../principal.js';

/**
 * `email` issuers (fulcio pkg/identity/email/principal.go): SAN rfc822Name = `email`, challenge = `email`;
 * `email_verified` must be true unless `SkipEmailVerification` (v1.8.3, IdPs such as Entra ID omit it). The
 * issuer extension may come from `IssuerClaim` (Dex: the upstream connector, `$.federated_claims.connector_id`).
 */
export function emailPrincipal({ issuer, claims }: IdentityInput): Principal {
  const email = stringClaim(claims, 'email');
  if (email === '') throw new ClaimError('token missing email claim');
  if (!issuer.skipEmailVerification && !emailVerified(claims)) {
    throw new OidcError('EMAIL_NOT_VERIFIED', 'email_verified claim was false');
  }
  if (!isEmail(email)) throw new ClaimError('email address is not valid');
  const issuerValue = issuer.issuerClaim === '' ? issuer.issuerUrl : jsonPathValue(claims, issuer.issuerClaim);
  return makePrincipal({
    subject: stringClaim(claims, 'sub'),
    challenge: email,
    san: { kind: 'email', value: email },
    extensions: { Issuer: issuerValue },
  });
}

