import { ClaimError, stringClaim } from '../claims.js';
import { joinUrlPath } from '../go-url.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';

const DEFAULT_PLATFORM_URL = 'https://g.codefresh.io'; // fulcio pkg/identity/codefresh DefaultPlatformURL

/** Deprecated `codefresh-workflow` type (fulcio pkg/identity/codefresh/principal.go). */
export function codefreshWorkflowPrincipal({ issuer, claims }: IdentityInput): Principal {
  // Upstream's texts here lack "claim": "missing account_id in token".
  const required = (name: string) => {
    const value = stringClaim(claims, name);
    if (value === '') throw new ClaimError(`missing ${name} in token`);
    return value;
  };
  const accountId = required('account_id');
  const pipelineId = required('pipeline_id');
  const workflowId = required('workflow_id');
  const platform = stringClaim(claims, 'platform_url') || DEFAULT_PLATFORM_URL;
  const pipelineName = stringClaim(claims, 'pipeline_name');
  // Names are mutable, IDs are not: the SAN carries both so policies can pin either.
  const san = joinUrlPath(platform, stringClaim(claims, 'account_name'), `${pipelineName}:${accountId}/${pipelineId}`);
  const build = joinUrlPath(platform, 'build', workflowId);
  return subjectPrincipal(issuer.issuerUrl, stringClaim(claims, 'sub'), { kind: 'uri', value: san }, {
    BuildSignerURI: build,
    RunnerEnvironment: stringClaim(claims, 'runner_environment'),
    SourceRepositoryURI: stringClaim(claims, 'scm_repo_url'),
    SourceRepositoryRef: stringClaim(claims, 'scm_ref'),
    BuildConfigURI: joinUrlPath(platform, 'api', 'pipelines', pipelineId),
    RunInvocationURI: build,
  });
}

