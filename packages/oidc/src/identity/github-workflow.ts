import { requiredStringClaims, stringClaim } from '../claims.js';
import { joinUrlPath } from '../go-url.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';

const GITHUB_URL = 'https://github.com/';

// Every claim fulcio pkg/identity/github/principal.go requires, in its check order.
const REQUIRED = [
  'job_workflow_ref', 'sha', 'event_name', 'repository', 'workflow', 'ref', 'job_workflow_sha', 'runner_environment',
  'repository_id', 'repository_owner', 'repository_owner_id', 'repository_visibility', 'workflow_ref', 'workflow_sha',
  'run_id', 'run_attempt',
] as const;

/** Deprecated `github-workflow` type (the public config maps GitHub to `ci-provider` now); same output. */
export function githubWorkflowPrincipal({ issuer, claims }: IdentityInput): Principal {
  const c = requiredStringClaims(claims, REQUIRED);
  const subject = stringClaim(claims, 'sub');
  const signer = joinUrlPath(GITHUB_URL, c.job_workflow_ref);
  return subjectPrincipal(issuer.issuerUrl, subject, { kind: 'uri', value: signer }, {
    GithubWorkflowTrigger: c.event_name,
    GithubWorkflowSHA: c.sha,
    GithubWorkflowName: c.workflow,
    GithubWorkflowRepository: c.repository,
    GithubWorkflowRef: c.ref,
    BuildSignerURI: signer,
    BuildSignerDigest: c.job_workflow_sha,
    RunnerEnvironment: c.runner_environment,
    SourceRepositoryURI: joinUrlPath(GITHUB_URL, c.repository),
    SourceRepositoryDigest: c.sha,
    SourceRepositoryRef: c.ref,
    SourceRepositoryIdentifier: c.repository_id,
    SourceRepositoryOwnerURI: joinUrlPath(GITHUB_URL, c.repository_owner),
    SourceRepositoryOwnerIdentifier: c.repository_owner_id,
    BuildConfigURI: joinUrlPath(GITHUB_URL, c.workflow_ref),
    BuildConfigDigest: c.workflow_sha,
    BuildTrigger: c.event_name,
    RunInvocationURI: joinUrlPath(GITHUB_URL, c.repository, 'actions/runs', c.run_id, 'attempts', c.run_attempt),
    SourceRepositoryVisibilityAtSigning: c.repository_visibility,
  });
}
