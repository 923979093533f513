import { requiredStringClaim, stringClaim } from '../claims.js';
import { type IdentityInput, type Principal, makePrincipal } from '../principal.js';

/** Deprecated `buildkite-job` type (fulcio pkg/identity/buildkite/principal.go): pipeline URL SAN, no CI extensions. */
export function buildkiteJobPrincipal({ issuer, claims }: IdentityInput): Principal {
  const organization = requiredStringClaim(claims, 'organization_slug');
  const pipeline = requiredStringClaim(claims, 'pipeline_slug');
  const subject = stringClaim(claims, 'sub');
  return makePrincipal({
    subject,
    challenge: subject,
    san: { kind: 'uri', value: `https://buildkite.com/${organization}/${pipeline}` },
    extensions: { Issuer: issuer.issuerUrl },
  });
}
