import { type OidcIssuer, startOidcIssuer } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIssuerConfig, parseIssuerConfig } from './config.js';
import { INVALID_IDENTITY_TOKEN_MESSAGE, OidcError } from './error.js';
import { type AddIssuerInput, createIssuerRegistry } from './registry.js';
import { verifyToken } from './verify-token.js';

const ext = (n: number, value: string) => ({ oid: `1.3.6.1.4.1.57264.1.${n}`, value });

// Claims of a real GitHub Actions token (docs.github.com "About security hardening with OpenID Connect").
const GITHUB_CLAIMS = {
  sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', job_workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  job_workflow_sha: 'b5f8a0c1', sha: 'e3b0c442', event_name: 'push', repository: 'octo-org/octo-repo', workflow: 'Release',
  ref: 'refs/heads/main', runner_environment: 'github-hosted', repository_id: '74', repository_owner: 'octo-org',
  repository_owner_id: '65', repository_visibility: 'public', workflow_ref: 'octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main',
  workflow_sha: 'b5f8a0c1', run_id: '9876543210', run_attempt: '1',
};

const GITHUB_EXTENSIONS = (iss: string) => [
  ext(1, iss), ext(2, 'push'), ext(3, 'e3b0c442'), ext(4, 'Release'), ext(5, 'octo-org/octo-repo'), ext(6, 'refs/heads/main'),
  ext(8, iss), ext(9, 'https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main'), ext(10, 'b5f8a0c1'),
  ext(11, 'github-hosted'), ext(12, 'https://github.com/octo-org/octo-repo'), ext(13, 'e3b0c442'), ext(14, 'refs/heads/main'),
  ext(15, '74'), ext(16, 'https://github.com/octo-org'), ext(17, '65'),
  ext(18, 'https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main'), ext(19, 'b5f8a0c1'), ext(20, 'push'),
  ext(21, 'https://github.com/octo-org/octo-repo/actions/runs/9876543210/attempts/1'), ext(22, 'public'),
  ext(24, 'repo:octo-org/octo-repo:ref:refs/heads/main'),
];

// The GitHub and GitLab entries of fulcio config/identity/config.yaml, pointed at the local issuer.
const ciConfig = (url: string, provider: string) => `
oidc-issuers:
  ${url}:
    issuer-url: ${url}
    client-id: sigstore
    type: ci-provider
    ci-provider: ${provider}
ci-issuer-metadata:
  github-workflow:
    default-template-values: { url: "https://github.com", environment: "" }
    extension-templates:
      github-workflow-trigger: "event_name"
      github-workflow-sha: "sha"
      github-workflow-name: "workflow"
      github-workflow-repository: "repository"
      github-workflow-ref: "ref"
      build-signer-uri: "{{ .url }}/{{ .job_workflow_ref }}"
      build-signer-digest: "job_workflow_sha"
      runner-environment: "runner_environment"
      source-repository-uri: "{{ .url }}/{{ .repository }}"
      source-repository-digest: "sha"
      source-repository-ref: "ref"
      source-repository-identifier: "repository_id"
      source-repository-owner-uri: "{{ .url }}/{{ .repository_owner }}"
      source-repository-owner-identifier: "repository_owner_id"
      build-config-uri: "{{ .url }}/{{ .workflow_ref }}"
      build-config-digest: "workflow_sha"
      build-trigger: "event_name"
      run-invocation-uri: "{{ .url }}/{{ .repository }}/actions/runs/{{ .run_id }}/attempts/{{ .run_attempt }}"
      source-repository-visibility-at-signing: "repository_visibility"
      deployment-environment: "environment"
    subject-alternative-name-template: "{{ .url }}/{{ .job_workflow_ref }}"
  gitlab-pipeline:
    default-template-values: { url: "https://gitlab.com", environment: "" }
    extension-templates:
      build-signer-uri: "https://{{ .ci_config_ref_uri }}"
      source-repository-ref: refs/{{if eq .ref_type "branch"}}heads/{{ else }}tags/{{end}}{{ .ref }}
      run-invocation-uri: "{{ .url }}/{{ .project_path }}/-/jobs/{{ .job_id }}"
    subject-alternative-name-template: "https://{{ .ci_config_ref_uri }}"
`;

let idp: OidcIssuer;
beforeAll(async () => { idp = await startOidcIssuer(); });
afterAll(() => idp.close());

function registryFor(issuer: Omit<AddIssuerInput, 'url'>) {
  const registry = createIssuerRegistry(parseIssuerConfig({}));
  registry.addIssuer({ url: idp.url, ...issuer });
  return registry;
}

async function refused(promise: Promise<unknown>): Promise<OidcError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(OidcError);
  expect((error as OidcError).message).toBe(INVALID_IDENTITY_TOKEN_MESSAGE);
  return error as OidcError;
}

describe('email issuers', () => {
  it('certify the verified email; challenge is the email', async () => {
    const token = idp.issueToken({ sub: 'user-123', email: 'alice@example.com', email_verified: true });
    expect(await verifyToken(registryFor({ type: 'email' }), token)).toEqual({
      issuer: idp.url, subject: 'user-123', challenge: 'alice@example.com', san: { kind: 'email', value: 'alice@example.com' },
      extensions: [ext(1, idp.url), ext(8, idp.url), ext(24, 'user-123')],
    });
  });

  it('take the issuer extension from IssuerClaim (Dex federated connector)', async () => {
    const token = idp.issueToken({ sub: 'Cg1', federated_claims: { connector_id: 'https://github.com/login/oauth', user_id: '1' } });
    const principal = await verifyToken(registryFor({ type: 'email', issuerClaim: '$.federated_claims.connector_id' }), token);
    expect(principal.issuer).toBe('https://github.com/login/oauth');
    expect(principal.extensions.slice(0, 2)).toEqual([ext(1, 'https://github.com/login/oauth'), ext(8, 'https://github.com/login/oauth')]);
  });

  it('accept "true" strings, and a missing email_verified only with SkipEmailVerification', async () => {
    expect((await verifyToken(registryFor({ type: 'email' }), idp.issueToken({ email_verified: 'true' }))).challenge).toBe('dev@example.com');
    const unverified = idp.issueToken({ email_verified: undefined });
    expect((await refused(verifyToken(registryFor({ type: 'email' }), unverified))).code).toBe('EMAIL_NOT_VERIFIED');
    expect((await verifyToken(registryFor({ type: 'email', skipEmailVerification: true }), unverified)).san.value).toBe('dev@example.com');
  });

  it('refuse a missing or malformed email', async () => {
    expect((await refused(verifyToken(registryFor({ type: 'email' }), idp.issueToken({ email: undefined })))).detail).toBe('token missing email claim');
    expect((await refused(verifyToken(registryFor({ type: 'email' }), idp.issueToken({ email: 'not-an-email' })))).code).toBe('INVALID_IDENTITY');
  });
});

describe('ci-provider issuers (Fulcio config templates)', () => {
  it('map a GitHub Actions token to the SAN and every extension, in Fulcio order', async () => {
    const registry = createIssuerRegistry(loadIssuerConfig(ciConfig(idp.url, 'github-workflow')));
    const principal = await verifyToken(registry, idp.issueToken({ ...GITHUB_CLAIMS, email: undefined, email_verified: undefined }));
    expect(principal.san).toEqual({ kind: 'uri', value: 'https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main' });
    expect(principal.challenge).toBe(GITHUB_CLAIMS.sub);
    expect(principal.extensions).toEqual(GITHUB_EXTENSIONS(idp.url));
  });

  it('stringify numeric claims without exponent and include a deployment environment when present', async () => {
    const registry = createIssuerRegistry(loadIssuerConfig(ciConfig(idp.url, 'github-workflow')));
    const principal = await verifyToken(registry, idp.issueToken({ ...GITHUB_CLAIMS, run_id: 9876543210, run_attempt: 2, environment: 'prod' }));
    expect(principal.extensions).toContainEqual(ext(21, 'https://github.com/octo-org/octo-repo/actions/runs/9876543210/attempts/2'));
    expect(principal.extensions.at(-2)).toEqual(ext(23, 'prod'));
  });

  it('refuse a token missing a templated claim (missingkey=error)', async () => {
    const registry = createIssuerRegistry(loadIssuerConfig(ciConfig(idp.url, 'github-workflow')));
    const error = await refused(verifyToken(registry, idp.issueToken({ ...GITHUB_CLAIMS, run_id: undefined })));
    expect(error.code).toBe('CI_TEMPLATE_FAILED');
    expect(error.detail).toContain('map has no entry for key "run_id"');
  });

  it('run the GitLab branch/tag template', async () => {
    const registry = createIssuerRegistry(loadIssuerConfig(ciConfig(idp.url, 'gitlab-pipeline')));
    const claims = { sub: 'project_path:g/p:ref_type:tag:ref:v1', ci_config_ref_uri: 'gitlab.com/g/p//.gitlab-ci.yml@refs/tags/v1', ref_type: 'tag', ref: 'v1', project_path: 'g/p', job_id: '302' };
    const principal = await verifyToken(registry, idp.issueToken(claims));
    expect(principal.san.value).toBe('https://gitlab.com/g/p//.gitlab-ci.yml@refs/tags/v1');
    expect(principal.extensions).toEqual([
      ext(1, idp.url), ext(8, idp.url), ext(9, 'https://gitlab.com/g/p//.gitlab-ci.yml@refs/tags/v1'), ext(14, 'refs/tags/v1'),
      ext(21, 'https://gitlab.com/g/p/-/jobs/302'), ext(24, claims.sub),
    ]);
  });
});

describe('deprecated CI types', () => {
  it('github-workflow yields exactly what the ci-provider templates yield', async () => {
    const principal = await verifyToken(registryFor({ type: 'github-workflow' }), idp.issueToken(GITHUB_CLAIMS));
    expect(principal.san.value).toBe('https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/heads/main');
    expect(principal.extensions).toEqual(GITHUB_EXTENSIONS(idp.url));
    const missing = await refused(verifyToken(registryFor({ type: 'github-workflow' }), idp.issueToken({ ...GITHUB_CLAIMS, run_attempt: undefined })));
    expect(missing.detail).toBe('missing run_attempt claim in ID token');
  });

  it('gitlab-pipeline', async () => {
    const claims = {
      sub: 'project_path:g/p:ref_type:branch:ref:main', project_path: 'g/p', project_id: '7', pipeline_source: 'push', pipeline_id: '11',
      ci_config_ref_uri: 'gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main', ci_config_sha: 'c0ffee', namespace_path: 'g', namespace_id: '3',
      job_id: '302', ref: 'main', ref_type: 'branch', sha: 'abc', runner_environment: 'gitlab-hosted', runner_id: 42, project_visibility: 'private',
    };
    const principal = await verifyToken(registryFor({ type: 'gitlab-pipeline' }), idp.issueToken(claims));
    const config = 'https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main';
    expect(principal.san).toEqual({ kind: 'uri', value: config });
    expect(principal.extensions).toEqual([
      ext(1, idp.url), ext(8, idp.url), ext(9, config), ext(10, 'c0ffee'), ext(11, 'gitlab-hosted'), ext(12, 'https://gitlab.com/g/p'),
      ext(13, 'abc'), ext(14, 'refs/heads/main'), ext(15, '7'), ext(16, 'https://gitlab.com/g'), ext(17, '3'), ext(18, config),
      ext(19, 'c0ffee'), ext(20, 'push'), ext(21, 'https://gitlab.com/g/p/-/jobs/302'), ext(22, 'private'), ext(24, claims.sub),
    ]);
    expect((await refused(verifyToken(registryFor({ type: 'gitlab-pipeline' }), idp.issueToken({ ...claims, ref_type: 'commit' })))).detail).toBe('unexpected ref_type: commit');
  });

  it('buildkite-job', async () => {
    const claims = { sub: 'organization:acme:pipeline:app:ref:refs/heads/main', organization_slug: 'acme', pipeline_slug: 'app' };
    expect(await verifyToken(registryFor({ type: 'buildkite-job' }), idp.issueToken(claims))).toMatchObject({
      challenge: claims.sub, san: { kind: 'uri', value: 'https://buildkite.com/acme/app' },
      extensions: [ext(1, idp.url), ext(8, idp.url), ext(24, claims.sub)],
    });
  });

  it('codefresh-workflow', async () => {
    const claims = { sub: 'account:a1:pipeline:p1', account_id: 'a1', account_name: 'acme', pipeline_id: 'p1', pipeline_name: 'proj/build', workflow_id: 'w1', scm_repo_url: 'https://github.com/acme/app', scm_ref: 'main' };
    const principal = await verifyToken(registryFor({ type: 'codefresh-workflow' }), idp.issueToken(claims));
    expect(principal.san.value).toBe('https://g.codefresh.io/acme/proj/build:a1/p1');
    expect(principal.extensions).toEqual([
      ext(1, idp.url), ext(8, idp.url), ext(9, 'https://g.codefresh.io/build/w1'), ext(12, 'https://github.com/acme/app'), ext(14, 'main'),
      ext(18, 'https://g.codefresh.io/api/pipelines/p1'), ext(21, 'https://g.codefresh.io/build/w1'), ext(24, claims.sub),
    ]);
  });
});

describe('workload identities', () => {
  it('kubernetes: service-account URI', async () => {
    const claims = { sub: 'system:serviceaccount:prod:api', 'kubernetes.io': { namespace: 'prod', serviceaccount: { name: 'api', uid: 'u' } } };
    expect(await verifyToken(registryFor({ type: 'kubernetes' }), idp.issueToken(claims))).toEqual({
      issuer: idp.url, subject: claims.sub, challenge: claims.sub, san: { kind: 'uri', value: 'https://kubernetes.io/namespaces/prod/serviceaccounts/api' },
      extensions: [ext(1, idp.url), ext(8, idp.url), ext(24, claims.sub)],
    });
  });

  it('spiffe: the SPIFFE ID inside the configured trust domain', async () => {
    const registry = registryFor({ type: 'spiffe', spiffeTrustDomain: 'corp.example' });
    const id = 'spiffe://corp.example/ns/prod/sa/api';
    expect(await verifyToken(registry, idp.issueToken({ sub: id }))).toMatchObject({ challenge: id, san: { kind: 'uri', value: id } });
    expect((await refused(verifyToken(registry, idp.issueToken({ sub: 'spiffe://other.example/x' })))).code).toBe('INVALID_IDENTITY');
    expect((await refused(verifyToken(registry, idp.issueToken({ sub: 'https://corp.example/x' })))).detail).toContain('invalid spiffe ID');
  });

  it('uri: scheme and host of SubjectDomain, never an email', async () => {
    const registry = registryFor({ type: 'uri', subjectDomain: 'http://127.0.0.1' });
    expect(await verifyToken(registry, idp.issueToken({ sub: 'http://127.0.0.1/users/alice' }))).toMatchObject({
      challenge: 'http://127.0.0.1/users/alice', san: { kind: 'uri', value: 'http://127.0.0.1/users/alice' },
    });
    for (const sub of ['https://127.0.0.1/users/alice', 'http://evil.example/users/alice', 'alice@example.com']) {
      expect((await refused(verifyToken(registry, idp.issueToken({ sub })))).code, sub).toBe('INVALID_IDENTITY');
    }
  });

  // Fulcio parses the subject with Go's url.Parse and writes the parsed URL into the SAN (pkg/identity/uri at v1.8.8).
  it('uri: the subject as Go parses it; the SAN as Go writes it, extension 1.24 as sent', async () => {
    const registry = registryFor({ type: 'uri', subjectDomain: 'http://127.0.0.1' });
    const sub = 'HTTP://127.0.0.1/users/al ice';
    expect(await verifyToken(registry, idp.issueToken({ sub }))).toMatchObject({
      challenge: sub, san: { kind: 'uri', value: 'http://127.0.0.1/users/al%20ice' }, extensions: [ext(1, idp.url), ext(8, idp.url), ext(24, sub)],
    });
    // WHATWG reads host evil.com in the first; Go refuses '\' and ' ' in userinfo and malformed escapes.
    for (const refusedSub of ['http://evil.com\\@127.0.0.1/alice', 'http://a b@127.0.0.1/', 'http://127.0.0.1/%zz', 'http://127.0.0.1/#%zz', 'http://127.0.0.1:80:80/']) {
      const error = await refused(verifyToken(registry, idp.issueToken({ sub: refusedSub })));
      expect([error.code, error.detail], refusedSub).toEqual(['INVALID_IDENTITY', expect.stringContaining('parse')]);
    }
  });

  // Every type that builds a URI SAN from claims: the SAN must be a URL Go parses, and reads back from a certificate.
  it.each([
    ['kubernetes', { type: 'kubernetes' }, { 'kubernetes.io': { namespace: 'a%zz', serviceaccount: { name: 'api' } } }],
    ['buildkite-job', { type: 'buildkite-job' }, { organization_slug: 'acme', pipeline_slug: 'app#%zz' }],
    ['codefresh-workflow', { type: 'codefresh-workflow' }, { account_id: 'a1', pipeline_id: 'p1', workflow_id: 'w1', platform_url: 'https://evil.com\\@g.codefresh.io' }],
    ['chainguard-identity', { type: 'chainguard-identity' }, { sub: 'abc%zz', email: undefined }],
    ['github-workflow', { type: 'github-workflow' }, { ...GITHUB_CLAIMS, job_workflow_ref: 'o/r/.github/workflows/w.yml@refs/heads/%zz' }],
  ] as const)('%s: refuses a SAN Go cannot parse', async (_name, issuer, claims) => {
    const error = await refused(verifyToken(registryFor(issuer as Omit<AddIssuerInput, 'url'>), idp.issueToken({ sub: 'x', ...claims })));
    expect(error.code).toBe('INVALID_IDENTITY');
  });

  it('username: otherName value user!domain; no "!" and no email', async () => {
    const registry = registryFor({ type: 'username', subjectDomain: '127.0.0.1' });
    expect(await verifyToken(registry, idp.issueToken({ sub: 'alice' }))).toMatchObject({
      challenge: 'alice', san: { kind: 'username', value: 'alice!127.0.0.1' }, extensions: [ext(1, idp.url), ext(8, idp.url), ext(24, 'alice')],
    });
    expect((await refused(verifyToken(registry, idp.issueToken({ sub: 'al!ce' })))).detail).toBe('username cannot contain ! character');
    expect((await refused(verifyToken(registry, idp.issueToken({ sub: 'alice@example.com' })))).code).toBe('INVALID_IDENTITY');
  });

  it('chainguard-identity: issuer/sub SAN, challenge email when present', async () => {
    const registry = registryFor({ type: 'chainguard-identity' });
    expect(await verifyToken(registry, idp.issueToken({ sub: 'abc/def', email: undefined }))).toMatchObject({
      challenge: 'abc/def', san: { kind: 'uri', value: `${idp.url}/abc/def` },
    });
    expect((await verifyToken(registry, idp.issueToken({ sub: 'abc' }))).challenge).toBe('dev@example.com');
  });
});

describe('meta-issuers', () => {
  it('verify a token from an issuer matched by wildcard, using that exact URL for discovery', async () => {
    const realm = await startOidcIssuer({ path: '/realms/eng' });
    try {
      const registry = createIssuerRegistry(loadIssuerConfig('meta-issuers:\n  "http://127.0.0.1:*/realms/*": { client-id: sigstore, type: kubernetes }\n'));
      const claims = { sub: 'system:serviceaccount:ns:sa', 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa' } } };
      const principal = await verifyToken(registry, realm.issueToken(claims));
      expect(principal.issuer).toBe(realm.url);
      expect(principal.san.value).toBe('https://kubernetes.io/namespaces/ns/serviceaccounts/sa');
      expect(realm.requestCounts).toEqual({ discovery: 1, jwks: 1 });
    } finally {
      await realm.close();
    }
  });
});
