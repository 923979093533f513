import { describe, expect, it } from 'vitest';
import { loadIssuerConfig, parseIssuerConfig } from './config.js';
import { OidcConfigError } from './error.js';
import { metaIssuerRegex } from './meta-issuer.js';
import { createIssuerRegistry } from './registry.js';

// Modelled on fulcio config/identity/config.yaml: anchors in `define:`, alias keys, kebab-case YAML keys.
const FULCIO_YAML = `
define:
  - &github-type "github-workflow"
  - &gitlab-type "gitlab-pipeline"
oidc-issuers:
  https://accounts.google.com:
    issuer-url: https://accounts.google.com
    client-id: sigstore
    type: email
    contact: tac@sigstore.dev
    description: "Google OIDC auth"
  https://oauth2.sigstore.dev/auth:
    issuer-url: https://oauth2.sigstore.dev/auth
    client-id: sigstore
    type: email
    issuer-claim: $.federated_claims.connector_id
    environment: production
  https://token.actions.githubusercontent.com:
    issuer-url: https://token.actions.githubusercontent.com
    client-id: sigstore
    type: ci-provider
    ci-provider: *github-type
  https://gitlab.com:
    issuer-url: https://gitlab.com
    client-id: sigstore
    type: ci-provider
    ci-provider: *gitlab-type
meta-issuers:
  https://oidc.eks.*.amazonaws.com/id/*:
    client-id: sigstore
    type: kubernetes
  https://token.actions.githubusercontent.com/*:
    client-id: sigstore
    type: ci-provider
    ci-provider: *github-type
ci-issuer-metadata:
  *github-type:
    default-template-values:
      url: "https://github.com"
      environment: ""
    extension-templates:
      github-workflow-trigger: "event_name"
      build-signer-uri: "{{ .url }}/{{ .job_workflow_ref }}"
      deployment-environment: "environment"
    subject-alternative-name-template: "{{ .url }}/{{ .job_workflow_ref }}"
  *gitlab-type:
    default-template-values:
      url: "https://gitlab.com"
    extension-templates:
      source-repository-ref: refs/{{if eq .ref_type "branch"}}heads/{{ else }}tags/{{end}}{{ .ref }}
    subject-alternative-name-template: "https://{{ .ci_config_ref_uri }}"
`;

describe('loadIssuerConfig', () => {
  it('loads the upstream YAML format with anchors and kebab-case keys', () => {
    const config = loadIssuerConfig(FULCIO_YAML);
    expect([...config.oidcIssuers.keys()]).toEqual([
      'https://accounts.google.com', 'https://oauth2.sigstore.dev/auth', 'https://token.actions.githubusercontent.com', 'https://gitlab.com',
    ]);
    expect(config.oidcIssuers.get('https://oauth2.sigstore.dev/auth')).toMatchObject({
      type: 'email', clientId: 'sigstore', issuerClaim: '$.federated_claims.connector_id', environment: 'production',
    });
    expect(config.oidcIssuers.get('https://token.actions.githubusercontent.com')).toMatchObject({ type: 'ci-provider', ciProvider: 'github-workflow' });
    expect(config.metaIssuers.get('https://oidc.eks.*.amazonaws.com/id/*')).toMatchObject({ type: 'kubernetes', issuerUrl: '' });
    expect(config.ciIssuerMetadata.get('github-workflow')).toEqual({
      defaultTemplateValues: { url: 'https://github.com', environment: '' },
      extensionTemplates: { GithubWorkflowTrigger: 'event_name', BuildSignerURI: '{{ .url }}/{{ .job_workflow_ref }}', DeploymentEnvironment: 'environment' },
      subjectAlternativeNameTemplate: '{{ .url }}/{{ .job_workflow_ref }}',
    });
  });

  it('loads the JSON format (Go field names, matched case-insensitively) and ignores unknown keys', () => {
    const config = loadIssuerConfig(JSON.stringify({
      OIDCIssuers: { 'https://keycloak.corp.example/realms/eng': { IssuerURL: 'https://keycloak.corp.example/realms/eng', ClientID: 'sigstore', Type: 'email', SkipEmailVerification: true, Unknown: 1 } },
      metaissuers: { 'https://oidc.eks.*.amazonaws.com/id/*': { ClientID: 'sigstore', Type: 'kubernetes' } },
      CIIssuerMetadata: { 'corp-gitlab': { DefaultTemplateValues: { url: 'https://gitlab.corp.example' }, ExtensionTemplates: { BuildSignerURI: 'https://{{ .ci_config_ref_uri }}' }, SubjectAlternativeNameTemplate: 'https://{{ .ci_config_ref_uri }}' } },
    }));
    expect(config.oidcIssuers.get('https://keycloak.corp.example/realms/eng')).toMatchObject({ skipEmailVerification: true, type: 'email' });
    expect(config.metaIssuers.size).toBe(1);
    expect(config.ciIssuerMetadata.get('corp-gitlab')?.extensionTemplates).toEqual({ BuildSignerURI: 'https://{{ .ci_config_ref_uri }}' });
  });

  it('keys depend on the format: YAML keys in a JSON document are ignored, as in Go', () => {
    expect(loadIssuerConfig('{"oidc-issuers": {"https://a.example": {"type": "email"}}}').oidcIssuers.size).toBe(0);
    expect(loadIssuerConfig('{"oidc-issuers": {"https://a.example": {"type": "email"}}}', 'yaml').oidcIssuers.size).toBe(1);
  });

  it('defaults an absent client id to sigstore', () => {
    expect(loadIssuerConfig('oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: email}}').oidcIssuers.get('https://a.example')?.clientId).toBe('sigstore');
  });

  const invalid: Array<[string, string]> = [
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: kerberos}}', 'unsupported issuer type "kerberos"'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: uri, issuer-claim: $.x}}', 'only email issuers can use issuer claim mapping'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: spiffe}}', 'spiffe issuer must have SPIFFETrustDomain set'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: spiffe, spiffe-trust-domain: "Bad Domain"}}', 'spiffe trust domain is invalid'],
    ['meta-issuers: {"https://*.example": {type: spiffe, spiffe-trust-domain: a.example}}', 'SPIFFE meta issuers not supported'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: uri}}', 'uri issuer must have SubjectDomain set'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: uri, subject-domain: example.com}}', 'SubjectDomain for uri must contain scheme'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: uri, subject-domain: "http://a.example"}}', 'URI schemes do not match'],
    ['oidc-issuers: {https://accounts.example.com: {issuer-url: https://accounts.example.com, type: uri, subject-domain: "https://other.org"}}', 'top-level and second-level domains do not match'],
    ['oidc-issuers: {https://accounts.example.com: {issuer-url: https://accounts.example.com, type: username, subject-domain: "https://example.com"}}', 'SubjectDomain for username should not contain scheme'],
    ['oidc-issuers: {https://accounts.example.com: {issuer-url: https://accounts.example.com, type: username, subject-domain: evil.org}}', 'top-level and second-level domains do not match'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: email, ca-cert: "not a pem"}}', 'failed to parse CA certificate'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: ci-provider, ci-provider: none}}', 'metadata not found for ci provider none'],
    ['ci-issuer-metadata: {x: {subject-alternative-name-template: "{{ printf .a }}"}}', 'function "printf" not supported here'],
    ['oidc-issuers: [1, 2]', 'expected a mapping'],
    ['oidc-issuers: {https://a.example: {issuer-url: https://a.example, type: email, skip-email-verification: "yes"}}', 'must be a boolean'],
  ];
  it.each(invalid)('refuses %s', (yaml, message) => {
    let error: unknown;
    try { loadIssuerConfig(yaml); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(OidcConfigError);
    expect((error as OidcConfigError).code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toContain(message);
  });

  it('accepts the valid uri and username domain forms from config.go', () => {
    expect(() => parseIssuerConfig({ OIDCIssuers: {
      'https://accounts.example.com': { IssuerURL: 'https://accounts.example.com', Type: 'uri', SubjectDomain: 'https://users.example.com' },
      'https://id.example.com': { IssuerURL: 'https://id.example.com', Type: 'username', SubjectDomain: 'example.com' },
    } })).not.toThrow();
  });

  it('reports unparsable text as PARSE_ERROR', () => {
    expect(() => loadIssuerConfig('{ "OIDCIssuers": ', 'json')).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
    expect(() => loadIssuerConfig('a: [b', 'yaml')).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
  });
});

describe('issuer matching', () => {
  it('anchors meta patterns and never lets * cross . or / (GHSA-59jp-pj84-45mr)', () => {
    const eks = metaIssuerRegex('https://oidc.eks.*.amazonaws.com/id/*');
    expect(eks.test('https://oidc.eks.us-west-2.amazonaws.com/id/B02C93B6A2D30341AD01E1B6D48164CB')).toBe(true);
    expect(eks.test('https://oidc.eks.us-west-2.evil.amazonaws.com/id/B0')).toBe(false);
    expect(eks.test('https://oidc.eks.x.amazonaws.com/id/B0/extra')).toBe(false);
    expect(eks.test('http://localhost:3000?https://oidc.eks.x.amazonaws.com/id/B0')).toBe(false);
    expect(eks.test('https://oidc.eks.xxamazonaws.com/id/B0')).toBe(false);
  });

  it('matches exact issuers first, then meta-issuers, and describes them for /api/v2/configuration', () => {
    const registry = createIssuerRegistry(loadIssuerConfig(FULCIO_YAML));
    expect(registry.match('https://token.actions.githubusercontent.com')).toMatchObject({ config: { type: 'ci-provider' } });
    expect(registry.match('https://token.actions.githubusercontent.com')?.pattern).toBeUndefined();
    const enterprise = registry.match('https://token.actions.githubusercontent.com/octo-enterprise');
    expect(enterprise).toMatchObject({ pattern: 'https://token.actions.githubusercontent.com/*', config: { issuerUrl: 'https://token.actions.githubusercontent.com/octo-enterprise' } });
    expect(enterprise?.metadata?.subjectAlternativeNameTemplate).toBe('{{ .url }}/{{ .job_workflow_ref }}');
    expect(registry.match('https://oidc.eks.eu-west-1.amazonaws.com/id/ABC')?.config).toMatchObject({ type: 'kubernetes', issuerUrl: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC' });
    expect(registry.match('https://accounts.google.com/')).toBeUndefined();
    const described = registry.describe();
    expect(described[0]).toEqual({ issuerUrl: 'https://accounts.google.com', audience: 'sigstore', challengeClaim: 'email', spiffeTrustDomain: '', issuerType: 'email', subjectDomain: '', skipEmailVerification: false });
    expect(described.at(-1)).toMatchObject({ wildcardIssuerUrl: 'https://token.actions.githubusercontent.com/*', challengeClaim: 'sub' });
  });

  it('keeps exact verifiers for good and meta-issuer verifiers in an LRU of 100', () => {
    const registry = createIssuerRegistry(loadIssuerConfig(FULCIO_YAML));
    const google = registry.match('https://accounts.google.com')!;
    expect(registry.verifierFor(google)).toBe(registry.verifierFor(google));
    const eks = (i: number) => registry.match(`https://oidc.eks.r.amazonaws.com/id/${i}`)!;
    const first = registry.verifierFor(eks(0));
    const secondInstance = registry.verifierFor(eks(1));
    for (let i = 2; i < 100; i++) registry.verifierFor(eks(i));
    expect(registry.verifierFor(eks(0))).toBe(first); // still cached, now most recently used
    registry.verifierFor(eks(100)); // evicts id/1, the least recently used
    expect(registry.verifierFor(eks(0))).toBe(first);
    expect(registry.verifierFor(eks(1))).not.toBe(secondInstance);
  });

  it('accepts an issuer added programmatically and validates it', () => {
    const registry = createIssuerRegistry(loadIssuerConfig(''));
    registry.addIssuer({ url: 'http://127.0.0.1:5556/dex', type: 'email' });
    expect(registry.match('http://127.0.0.1:5556/dex')?.config).toMatchObject({ clientId: 'sigstore', type: 'email' });
    expect(() => registry.addIssuer({ url: 'http://127.0.0.1:5556/dex', type: 'email' })).toThrow('already configured');
    expect(() => registry.addIssuer({ url: 'https://spire.example', type: 'spiffe' })).toThrow(OidcConfigError);
  });
});
