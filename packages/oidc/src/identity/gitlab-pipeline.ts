import { ClaimError, requiredStringClaims, stringClaim } from '../claims.js';
import { goUrlString, joinUrlPath, parseGoUrl, withScheme } from '../go-url.js';
import { type IdentityInput, type Principal, subjectPrincipal } from '../principal.js';

const GITLAB_URL = 'https://gitlab.com/';

const REQUIRED = [
  'project_path', 'pipeline_source', 'pipeline_id', 'ci_config_ref_uri', 'job_id', 'ref', 'ref_type', 'namespace_path',
  'namespace_id', 'project_id', 'sha', 'runner_environment',
] as const;

/** Deprecated `gitlab-pipeline` type (fulcio pkg/identity/gitlabcom/principal.go); gitlab.com URLs are fixed. */
export function gitlabPipelinePrincipal({ issuer, claims }: IdentityInput): Principal {
  const c = requiredStringClaims(claims, REQUIRED);
  // runner_id is an int64 in the Go struct: a non-integer fails decoding, 0 counts as missing.
  const runnerId = claims.runner_id ?? 0;
  if (typeof runnerId !== 'number' || !Number.isInteger(runnerId)) throw new ClaimError('claim runner_id must be an integer');
  if (runnerId === 0) throw new ClaimError('missing runner_id claim in ID token');
  if (c.ref_type !== 'branch' && c.ref_type !== 'tag') throw new ClaimError(`unexpected ref_type: ${c.ref_type}`);
  const ref = `refs/${c.ref_type === 'branch' ? 'heads' : 'tags'}/${c.ref}`;
  // ci_config_ref_uri has no scheme ("gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main"): Go parses it as a
  // path, and the URL is written with scheme https.
  const configUri = goUrlString(withScheme(parseGoUrl(c.ci_config_ref_uri), 'https'));
  const configSha = stringClaim(claims, 'ci_config_sha');
  const subject = stringClaim(claims, 'sub');
  return subjectPrincipal(issuer.issuerUrl, subject, { kind: 'uri', value: configUri }, {
    BuildSignerURI: configUri,
    BuildSignerDigest: configSha,
    RunnerEnvironment: c.runner_environment,
    SourceRepositoryURI: joinUrlPath(GITLAB_URL, c.project_path),
    SourceRepositoryDigest: c.sha,
    SourceRepositoryRef: ref,
    SourceRepositoryIdentifier: c.project_id,
    SourceRepositoryOwnerURI: joinUrlPath(GITLAB_URL, c.namespace_path),
    SourceRepositoryOwnerIdentifier: c.namespace_id,
    BuildConfigURI: configUri,
    BuildConfigDigest: configSha,
    BuildTrigger: c.pipeline_source,
    RunInvocationURI: joinUrlPath(GITLAB_URL, c.project_path, '/-/jobs/', c.job_id),
    SourceRepositoryVisibilityAtSigning: stringClaim(claims, 'project_visibility'),
  });
}
