// Shared fixtures of the issuance-policy suites: GitHub Actions tokens from the testkit issuer, policy and
// fulcio-config files, and one v2 signingCert call against a running `sigbox up`.
import crypto from 'node:crypto';
import type { OidcIssuer } from '@sigbox/testkit';

/** A GitHub Actions token's claims (fulcio github-workflow type) for `org/repo` at `ref`. */
export function workflowClaims(repo: string, ref = 'refs/heads/main', event = 'push'): Record<string, unknown> {
  const workflow = `${repo}/.github/workflows/release.yml@${ref}`;
  return {
    sub: `repo:${repo}:ref:${ref}`, job_workflow_ref: workflow, job_workflow_sha: 'b5f8a0c1', sha: 'e3b0c442', event_name: event,
    repository: repo, workflow: 'Release', ref, runner_environment: 'github-hosted', repository_id: '74', repository_owner: repo.split('/')[0],
    repository_owner_id: '65', repository_visibility: 'public', workflow_ref: workflow, workflow_sha: 'b5f8a0c1', run_id: '42', run_attempt: '1',
    email: undefined, email_verified: undefined,
  };
}

export const policyOf = (...rules: string[]): string => `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n${rules.join('')}`;

/** A Fulcio issuer config trusting each issuer as a GitHub Actions issuer. */
export const fulcioConfigOf = (...idps: OidcIssuer[]): string =>
  JSON.stringify({ OIDCIssuers: Object.fromEntries(idps.map((idp) => [idp.url, { IssuerURL: idp.url, ClientID: 'sigstore', Type: 'github-workflow' }])) });

export interface SigningAnswer {
  status: number;
  retryAfter: string | null;
  body: Record<string, any>;
}

/** POST /api/v2/signingCert for a fresh key proving possession over the token's `sub` (the workflow challenge). */
export async function requestCertificate(url: string, issuer: OidcIssuer, claims: Record<string, unknown>): Promise<SigningAnswer> {
  const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = {
    credentials: { oidcIdentityToken: issuer.issueToken(claims) },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: key.publicKey.export({ format: 'pem', type: 'spki' }) },
      proofOfPossession: crypto.sign('sha256', Buffer.from(String(claims.sub)), key.privateKey).toString('base64'),
    },
  };
  const res = await fetch(`${url}/api/v2/signingCert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
}
