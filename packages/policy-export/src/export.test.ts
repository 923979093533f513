import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parsePolicy } from '@sigbox/policy';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ExportError, exportPolicy, type ExportInput, type ExportResult, type ExportTarget } from './index.js';

// The public-good trusted root: two CAs (one retired), Rekor v1 (logId = SHA-256 of the key) and a Rekor v2 log
// (checkpoint key ID), two CT logs (one retired). Real material, so the v1/v2 and retired detection is tested on it.
const trustedRoot = JSON.parse(readFileSync(path.join(process.env.SIGBOX_VECTORS!, 'sigstore/production.trusted_root.json'), 'utf8')) as unknown;
const ROOT_JSON = '{"signed":{"_type":"root"},"signatures":[]}';
const GH = 'https://token.actions.githubusercontent.com';

const POLICY = `apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: release
    selector:
      issuer: ${GH}
      subject: { pattern: "https://github.com/myorg/.+" }
    expectations:
      buildTrigger: push
      sourceRepositoryRef: refs/heads/main
      attestation:
        predicateType: https://slsa.dev/provenance/v1
        conditions:
          buildDefinition.buildType: [https://actions.github.io/buildtypes/workflow/v1, { glob: "https://example.com/*" }]
    scope:
      images: registry.example/myorg/*
  - name: ops
    selector:
      issuer: https://accounts.example.com
      subject: [alice@example.com, bob@example.com]
    scope:
      images: registry.example/ops/tool
`;

const input = (text: string, extra: Partial<ExportInput> = {}): ExportInput => ({
  policy: parsePolicy(text),
  trustedRoot,
  rekorUrl: 'https://sigbox.example',
  tuf: { mirror: 'https://sigbox.example/tuf', root: ROOT_JSON },
  ...extra,
});

const docs = (result: ExportResult, file = 0): any[] => parseAllDocuments(result.files[file]!.content).map((d) => d.toJSON());
const refusal = (f: () => unknown): ExportError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ExportError) return err;
    throw err;
  }
  throw new Error('no ExportError');
};

describe('exportPolicy: every target', () => {
  const targets: ExportTarget[] = ['kyverno', 'kyverno-ivp', 'policy-controller', 'flux', 'cosign'];
  it.each(targets)('%s is deterministic: the same input twice gives the same bytes', (target) => {
    const a = exportPolicy(target, input(POLICY, { allowDropped: true }));
    const b = exportPolicy(target, input(POLICY, { allowDropped: true }));
    expect(a).toEqual(b);
    expect(a.files.map((f) => f.content).join('')).not.toContain('creationTimestamp');
  });

  it.each(targets)('%s refuses to drop an expectation unless allowed (NOT_EXPRESSIBLE lists them)', (target) => {
    const text = POLICY.replace('buildTrigger: push', 'buildTrigger: push\n      runnerEnvironment: github-hosted');
    const err = refusal(() => exportPolicy(target, input(text)));
    expect(err.code).toBe('NOT_EXPRESSIBLE');
    expect(err.message).toContain('rule release (line 4): runnerEnvironment "github-hosted"');
    const result = exportPolicy(target, input(text, { allowDropped: true }));
    expect(result.dropped.some((d) => d.startsWith('rule release (line 4): runnerEnvironment'))).toBe(true);
  });

  it.each(targets)('%s refuses patterns RE2 cannot run, naming rule and line', (target) => {
    const text = POLICY.replace('"https://github.com/myorg/.+"', '"https://github.com/(?!evil)myorg/.+"');
    const err = refusal(() => exportPolicy(target, input(text, { allowDropped: true })));
    expect(err.code).toBe('UNSUPPORTED_PATTERN');
    expect(err.message).toMatch(/^rule release \(line 4\): subject pattern .*lookaround/u);
  });

  it('refuses bad input with typed errors', () => {
    expect(refusal(() => exportPolicy('nope' as ExportTarget, input(POLICY))).code).toBe('INVALID_INPUT');
    expect(refusal(() => exportPolicy('flux', input(POLICY, { name: 'Not_A_Name' }))).code).toBe('INVALID_INPUT');
    expect(refusal(() => exportPolicy('flux', input(POLICY, { trustedRoot: { mediaType: 'x' } }))).code).toBe('INVALID_TRUST_MATERIAL');
    const artifactsOnly = POLICY.replace(/scope:\n {6}images: registry.example\/myorg\/\*/u, 'scope:\n      artifacts: "*.tgz"').replace(/ {4}scope:\n {6}images: registry.example\/ops\/tool\n/u, '    scope: { artifacts: "*.zip" }\n');
    expect(refusal(() => exportPolicy('kyverno', input(artifactsOnly, { allowDropped: true }))).message).toContain('no rule of the policy applies to images');
  });
});

describe('kyverno', () => {
  const result = exportPolicy('kyverno', input(POLICY, { allowDropped: true }));
  const [policy] = docs(result);
  const [release, ops] = policy.spec.rules;

  it('writes one ClusterPolicy, one rule per image scope, legacy (type Cosign) signatures by default', () => {
    expect(policy).toMatchObject({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'sigbox-accepted-identities' } });
    expect(policy.spec.rules.map((r: any) => r.name)).toEqual(['release', 'ops']);
    expect(release.verifyImages[0]).toMatchObject({ type: 'Cosign', imageReferences: ['registry.example/myorg/*:*', 'registry.example/myorg/*@*'], required: true });
    expect(ops.verifyImages[0].imageReferences).toEqual(['registry.example/ops/tool:*', 'registry.example/ops/tool@*']);
  });

  it('anchors regexes, keeps exact values exact and maps only the GitHub 1.2–1.6 equivalents', () => {
    const keyless = release.verifyImages[0].attestors[0].entries[0].keyless;
    expect(keyless.issuer).toBe(GH);
    expect(keyless.subjectRegExp).toBe('^(?:https://github[^\\n\\r\\x{2028}\\x{2029}]com/myorg/[^\\n\\r\\x{2028}\\x{2029}]+)$');
    expect(keyless.additionalExtensions).toEqual({ githubWorkflowTrigger: 'push', githubWorkflowRef: 'refs/heads/main' });
    expect(keyless.rekor.url).toBe('https://sigbox.example');
    // Rekor v1 key (not the v2 log's), current CT key and current CA only.
    expect(keyless.rekor.pubkey).toMatch(/^-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y/u);
    expect(keyless.roots.match(/BEGIN CERTIFICATE/gu)).toHaveLength(2);
    expect(result.warnings.join('\n')).toContain('1 retired certificate authority');
    // Two exact subjects become one anchored alternation of quoted literals.
    expect(ops.verifyImages[0].attestors[0].entries[0].keyless).toMatchObject({
      issuer: 'https://accounts.example.com',
      subjectRegExp: '^(?:(?:alice@example\\.com)|(?:bob@example\\.com))$',
    });
  });

  it('requires the attestation with JMESPath conditions, exact and regex', () => {
    const [att] = release.verifyImages[0].attestations;
    expect(att.type).toBe('https://slsa.dev/provenance/v1');
    expect(att.conditions).toEqual([
      {
        any: [
          { key: '{{ "buildDefinition"."buildType" }}', operator: 'Equals', value: 'https://actions.github.io/buildtypes/workflow/v1' },
          { key: "{{ regex_match('^(?:https://example\\.com/[^/]*)$', \"buildDefinition\".\"buildType\") }}", operator: 'Equals', value: true },
        ],
      },
    ]);
  });

  it('SigstoreBundle drops extensions (that path never reads them) and cannot be combined with legacy', () => {
    const bundle = exportPolicy('kyverno', input(POLICY, { signatureFormat: 'bundle', allowDropped: true }));
    const entry = docs(bundle)[0].spec.rules[0].verifyImages[0];
    expect(entry.type).toBe('SigstoreBundle');
    expect(entry.attestors[0].entries[0].keyless.additionalExtensions).toBeUndefined();
    expect(bundle.dropped).toHaveLength(2);
    expect(refusal(() => exportPolicy('kyverno', input(POLICY, { signatureFormat: 'bundle' }))).code).toBe('NOT_EXPRESSIBLE');
    expect(refusal(() => exportPolicy('kyverno', input(POLICY, { signatureFormat: 'any' }))).code).toBe('INVALID_INPUT');
  });

  it('gives unscoped rules every image: as alternatives where a scope is exact, else AND-ed with a warning', () => {
    const text = `${POLICY}  - name: anyone
    selector: { issuer: https://accounts.example.com, subject: carol@example.com }
`;
    const r = exportPolicy('kyverno', input(text, { allowDropped: true }));
    const [release, ops, anyone] = docs(r)[0].spec.rules;
    // ops (an exact repository) takes anyone as a further attestor and anyone's entry skips ops' images: an OR.
    expect(ops.verifyImages[0].attestors[0].entries.map((e: any) => e.keyless.subject ?? e.keyless.subjectRegExp)).toEqual([
      '^(?:(?:alice@example\\.com)|(?:bob@example\\.com))$',
      'carol@example.com',
    ]);
    expect(anyone.verifyImages[0]).toMatchObject({ imageReferences: ['*'], skipImageReferences: ['registry.example/ops/tool:*', 'registry.example/ops/tool@*'] });
    // release (an attestation, and registry.example/myorg/* whose Kyverno form also matches deeper paths) cannot.
    expect(release.verifyImages[0].attestors[0].entries).toHaveLength(1);
    expect(r.warnings.filter((w) => w.includes('may cover the same images'))).toEqual([
      'rules [release] and [anyone] may cover the same images; the target requires both to pass there (narrower than the policy, which needs one)',
    ]);
    expect(result.warnings.some((w) => w.includes('may cover the same images'))).toBe(false); // myorg/* vs ops/tool
  });
});

describe('policy-controller', () => {
  const result = exportPolicy('policy-controller', input(POLICY, { allowDropped: true }));
  const [trustRoot, release, ops] = docs(result);

  it('writes a TrustRoot of current keys re-encoded as base64 PEM, Rekor v1 only', () => {
    expect(trustRoot).toMatchObject({ apiVersion: 'policy.sigstore.dev/v1alpha1', kind: 'TrustRoot', metadata: { name: 'sigbox-trust-root' } });
    const keys = trustRoot.spec.sigstoreKeys;
    expect(keys.tLogs).toEqual([expect.objectContaining({ baseURL: 'https://rekor.sigstore.dev', hashAlgorithm: 'sha-256' })]);
    expect(keys.ctLogs.map((l: any) => l.baseURL)).toEqual(['https://ctfe.sigstore.dev/2022']);
    expect(keys.certificateAuthorities).toHaveLength(1);
    expect(Buffer.from(keys.certificateAuthorities[0].certChain, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n/u);
    expect(Buffer.from(keys.tLogs[0].publicKey, 'base64').toString()).toMatch(/^-----BEGIN PUBLIC KEY-----\n/u);
  });

  it('writes a remote TrustRoot from the TUF mirror on request, and refuses it without TUF', () => {
    const [remote] = docs(exportPolicy('policy-controller', input(POLICY, { allowDropped: true, trustRoot: 'remote' })));
    expect(remote.spec).toEqual({ remote: { mirror: 'https://sigbox.example/tuf', root: Buffer.from(ROOT_JSON).toString('base64'), trustedRootTarget: 'trusted_root.json' } });
    expect(refusal(() => exportPolicy('policy-controller', { ...input(POLICY, { allowDropped: true, trustRoot: 'remote' }), tuf: undefined })).code).toBe('INVALID_INPUT');
    // The public trusted root lists a Rekor v2 (Ed25519) log, which the controller's legacy path refuses.
    expect(exportPolicy('policy-controller', input(POLICY, { allowDropped: true, trustRoot: 'remote' })).warnings.join('\n')).toMatch(/remote TrustRoot: .*Rekor v2 log key/u);
    expect(exportPolicy('policy-controller', input(POLICY, { allowDropped: true })).warnings.join('\n')).not.toMatch(/remote TrustRoot/u);
  });

  it('writes one CIP per scope with an authority per rule and format, each with the ctlog stanza', () => {
    expect(release.spec.images).toEqual([{ glob: 'registry.example/myorg/*:*' }, { glob: 'registry.example/myorg/*@*' }]);
    expect(release.spec.authorities.map((a: any) => [a.name, a.signatureFormat])).toEqual([['release-legacy', undefined], ['release-bundle', 'bundle']]);
    for (const a of [...release.spec.authorities, ...ops.spec.authorities]) {
      // Bundle authorities take the controller's TUF: v0.14.0 cannot verify bundles against sigstoreKeys.
      const trust = a.signatureFormat === 'bundle' ? {} : { trustRootRef: 'sigbox-trust-root' };
      expect(a.ctlog).toEqual({ url: 'https://sigbox.example', ...trust });
      expect(a.keyless.trustRootRef).toBe(trust.trustRootRef);
    }
    expect(ops.spec.authorities[0].keyless.identities).toEqual([{ issuer: 'https://accounts.example.com', subjectRegExp: '^(?:(?:alice@example\\.com)|(?:bob@example\\.com))$' }]);
    expect(release.spec.authorities[0].attestations[0].policy).toEqual({
      type: 'cue',
      data: 'predicateType: "https://slsa.dev/provenance/v1"\npredicate: {"buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1" | =~"^(?:https://example\\\\.com/[^/]*)$"}}\n',
    });
    expect(result.dropped).toHaveLength(2); // buildTrigger, sourceRepositoryRef: identities take issuer/subject only
  });
});

describe('flux', () => {
  const result = exportPolicy('flux', input(POLICY, { allowDropped: true }));
  const [secret, release, ops] = docs(result);
  it('writes the trusted root Secret and OCIRepository verify stanzas with anchored regexes', () => {
    expect(JSON.parse(secret.stringData['trusted_root.json'])).toEqual(trustedRoot);
    expect(ops.spec.url).toBe('oci://registry.example/ops/tool');
    expect(ops.spec.verify).toEqual({
      provider: 'cosign',
      matchOIDCIdentity: [{ issuer: '^(?:https://accounts\\.example\\.com)$', subject: '^(?:(?:alice@example\\.com)|(?:bob@example\\.com))$' }],
      trustedRootSecretRef: { name: 'sigbox-trusted-root' },
    });
    expect(release.spec.url).toBe('oci://REPOSITORY-IN-SCOPE');
    expect(result.dropped.map((d) => d.split(' (')[1]!.split(':')[1]!.trim().split(' ')[0])).toEqual(['buildTrigger', 'sourceRepositoryRef', 'attestation']);
  });
  it('adds the unscoped rules to every repository (Flux objects do not AND)', () => {
    const text = `${POLICY}  - name: anyone
    selector: { issuer: https://accounts.example.com, subject: carol@example.com }
`;
    const r = exportPolicy('flux', input(text, { allowDropped: true }));
    const [, , withAnyone, template] = docs(r);
    expect(withAnyone.spec.verify.matchOIDCIdentity.map((i: any) => i.subject)).toEqual(['^(?:(?:alice@example\\.com)|(?:bob@example\\.com))$', '^(?:carol@example\\.com)$']);
    expect(template.metadata.name).toBe('sigbox-anyone');
    expect(r.warnings.some((w) => w.includes('may cover the same images'))).toBe(false);
  });
});

describe('kyverno-ivp', () => {
  const [release, ops] = docs(exportPolicy('kyverno-ivp', input(POLICY, { allowDropped: true })));
  it('writes one ImageValidatingPolicy per scope with identities, trust material and a CEL validation', () => {
    expect(release).toMatchObject({ apiVersion: 'policies.kyverno.io/v1', kind: 'ImageValidatingPolicy', metadata: { name: 'sigbox-release' } });
    const cosign = release.spec.attestors[0].cosign;
    expect(cosign.keyless.identities).toEqual([{ issuer: GH, subjectRegExp: expect.stringMatching(/^\^\(\?:https/u) }]);
    expect(JSON.parse(cosign.trustedRoot.value)).toEqual(trustedRoot);
    expect(cosign.tuf.mirror).toBe('https://sigbox.example/tuf');
    expect(release.spec.attestations).toEqual([{ name: 'release-attestation', intoto: { type: 'https://slsa.dev/provenance/v1' } }]);
    const expression: string = release.spec.validations[0].expression;
    expect(expression).toContain('"initContainers" in images');
    expect(expression).toContain('verifyAttestationSignatures(image, attestations["release-attestation"], [attestors["release"]]) > 0');
    expect(expression).toContain('"buildType" in extractPayload(image, attestations["release-attestation"])["predicate"]["buildDefinition"]');
    expect(ops.spec.matchImageReferences).toEqual([{ glob: 'registry.example/ops/tool:*' }, { glob: 'registry.example/ops/tool@*' }]);
  });
});
