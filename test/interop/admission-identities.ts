/**
 * The CI identities of the admission suite: GitHub Actions ID-token claims for the testkit OIDC issuer, which the
 * box trusts as a `github-workflow` issuer, so each certificate carries the SAN and Fulcio extensions a real
 * GitHub workflow's would (fulcio pkg/identity/github/principal.go; ours: packages/oidc github-workflow.ts).
 */

/** The repository, workflow and ref the policy accepts; OTHER differs only in the ref (a branch anyone can push). */
export const REPOSITORY = 'myorg/app';
export const WORKFLOW_PATH = '.github/workflows/release.yml';
export const ACCEPTED_REF = 'refs/heads/main';
export const OTHER_REF = 'refs/heads/feature';

export type Signer = 'accepted' | 'other';

/** The SAN Fulcio gives a GitHub workflow: `https://github.com/` + the `job_workflow_ref` claim. */
export function workflowSubject(ref: string): string {
  return `https://github.com/${REPOSITORY}/${WORKFLOW_PATH}@${ref}`;
}

export const SUBJECTS: Readonly<Record<Signer, string>> = { accepted: workflowSubject(ACCEPTED_REF), other: workflowSubject(OTHER_REF) };

/**
 * Every claim fulcio's GitHub principal requires, as GitHub Actions sets them for a push to `ref` running the
 * release workflow on a GitHub-hosted runner (docs.github.com "About security hardening with OpenID Connect").
 */
export function githubClaims(signer: Signer): Record<string, string> {
  const ref = signer === 'accepted' ? ACCEPTED_REF : OTHER_REF;
  const workflowRef = `${REPOSITORY}/${WORKFLOW_PATH}@${ref}`;
  const sha = signer === 'accepted' ? 'a'.repeat(40) : 'b'.repeat(40);
  return {
    sub: `repo:${REPOSITORY}:ref:${ref}`,
    repository: REPOSITORY,
    repository_id: '100001',
    repository_owner: REPOSITORY.split('/')[0] as string,
    repository_owner_id: '200002',
    repository_visibility: 'private',
    ref,
    sha,
    event_name: 'push',
    workflow: 'release',
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: sha,
    runner_environment: 'github-hosted',
    run_id: '300003',
    run_attempt: '1',
  };
}
