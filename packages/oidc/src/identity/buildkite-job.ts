import { requiredStringClaim, stringClaim } from '../claims.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';

/** Deprecated `buildkite-job` type (fulcio pkg/identity/buildkite/principal.go): pipeline URL SAN, no CI extensions. */
export function buildkiteJobPrincipal({ issuer, claims }: IdentityInput): Principal {
  const organization = requiredStringClaim(claims, 'organization_slug');
  const pipeline = requiredStringClaim(claims, 'pipeline_slug');
  return subjectPrincipal(issuer.issuerUrl, stringClaim(claims, 'sub'), { kind: 'uri', value: `https://buildkite.com/${organization}/${pipeline}` });
}
