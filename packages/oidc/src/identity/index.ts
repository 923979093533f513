import type { IssuerType } from '../config-types.js';
import type { IdentityInput, Principal } from '../principal.js';
import { buildkiteJobPrincipal } from './buildkite-job.js';
import { chainguardPrincipal } from './chainguard.js';
import { ciProviderPrincipal } from './ci-provider.js';
import { codefreshWorkflowPrincipal } from './codefresh-workflow.js';
import { emailPrincipal } from './email.js';
import { githubWorkflowPrincipal } from './github-workflow.js';
import { gitlabPipelinePrincipal } from './gitlab-pipeline.js';
import { kubernetesPrincipal, spiffePrincipal, uriPrincipal, usernamePrincipal } from './subject-identities.js';

/** One principal builder per issuer type (fulcio pkg/server/issuer_pool.go `getIssuer`). */
const BUILDERS: Record<IssuerType, (input: IdentityInput) => Principal> = {
  'email': emailPrincipal,
  'github-workflow': githubWorkflowPrincipal,
  'gitlab-pipeline': gitlabPipelinePrincipal,
  'buildkite-job': buildkiteJobPrincipal,
  'codefresh-workflow': codefreshWorkflowPrincipal,
  'chainguard-identity': chainguardPrincipal,
  'kubernetes': kubernetesPrincipal,
  'spiffe': spiffePrincipal,
  'uri': uriPrincipal,
  'username': usernamePrincipal,
  'ci-provider': ciProviderPrincipal,
};

/** Builds the principal for verified claims; throws (ClaimError/OidcError) when the type's rules refuse them. */
export function buildPrincipal(input: IdentityInput): Principal {
  return BUILDERS[input.issuer.type](input);
}
