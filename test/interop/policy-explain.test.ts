// Interop: `sigbox policy explain` on images signed and attested by the real cosign v3 (Sigstore bundle referrers,
// Rekor v2 entries with TSA timestamps) and cosign v2 (legacy .sig/.att tags, v1 log entries proven by their SET),
// in a real OCI registry (docker-registry 2.8, filled with skopeo, no referrers API: the fallback tag), against the
// real `sigbox up --dev`; and on bundle files from cosign v3 sign-blob. The dev box's OIDC issuer gives an email
// identity: a policy accepting that email accepts, one naming another refuses, one requiring an attestation condition
// the provenance does not meet refuses with that reason. Trust comes from the box (--url) or its file (--trusted-root).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '@sigbox/cli';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, type ToolResult, findTool, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, closeStack, cosignLegacyEnv, expectSuccess } from './fixture.js';
import { type OciRegistry, pushImage, resolveDigest, startRegistry, writeOciImage } from './oci-registry.js';

const WHY = 'keyless image signing with the real client; go install github.com/sigstore/cosign/{v3,v2}/cmd/cosign and set the path';
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: `cosign v3.1.3: ${WHY}` });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: `cosign v2.6.5: ${WHY}` });
const REGISTRY_WHY = 'a real OCI registry for cosign image signing; apt-get install docker-registry skopeo';
const DOCKER_REGISTRY = findTool({ command: 'docker-registry', why: REGISTRY_WHY });
const SKOPEO = findTool({ command: 'skopeo', why: REGISTRY_WHY });
const EMAIL = 'you@example.com';
/** Signed by cosign v3; by cosign v2 on its legacy path; by cosign v2 with --new-bundle-format (a bundle referrer); never. */
const IMAGES = ['v3', 'v2', 'v2bundle', 'unsigned'] as const;
type Image = (typeof IMAGES)[number];
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
const SKIP = COSIGN_V3 === undefined || COSIGN_V2 === undefined || DOCKER_REGISTRY === undefined || SKOPEO === undefined;

interface Explained {
  code: number;
  stdout: string;
  stderr: string;
}
interface ExplainJson {
  accepted: { rule: string; source: string } | null;
  signatures: Array<{ source: string; identity: { subject: string; issuer: string }; accepted: string | null; verdicts: Array<{ rule: string; outcome: string }>; attestations: Array<{ predicateType: string }> }>;
  attestations: Array<{ predicateType: string }>;
  rejected: Array<{ source: string; error: string }>;
}

describe.skipIf(SKIP)('sigbox policy explain against sigbox up --dev and cosign-signed images', () => {
  let stack: InteropStack;
  let registry: OciRegistry;
  const refs = {} as Record<Image, string>;

  beforeAll(async () => {
    stack = await startInteropStack('pglite', { name: 'policy-explain' });
    const registryDir = path.join(stack.dir, 'registry');
    await mkdir(registryDir);
    registry = await startRegistry(DOCKER_REGISTRY as string, registryDir);
    for (const image of IMAGES) {
      const layout = path.join(stack.dir, `layout-${image}`);
      await writeOciImage(layout, 'latest', `explain-${image}`);
      await pushImage(SKOPEO as string, layout, 'latest', `${registry.host}/sigbox/${image}:latest`, stack.work);
      refs[image] = `${registry.host}/sigbox/${image}@${await resolveDigest(registry.host, `sigbox/${image}`, 'latest')}`;
    }
  }, INTEROP_STACK_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await registry?.stop();
    await closeStack(stack);
  });

  const ok = (result: ToolResult) => expectSuccess(result, stack, `\n--- registry:\n${registry.log().slice(-4000)}`);
  const cosign = (binary: string | undefined, args: string[], env: Record<string, string> = {}) => stack.runClient(binary as string, args, env);

  /** A policy file in the working folder; returns its path. */
  async function policy(name: string, rules: string): Promise<string> {
    const file = path.join(stack.work, `${name}.yaml`);
    await writeFile(file, `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n${rules}`);
    return file;
  }
  const emailRule = (name: string, email: string, extra = '') =>
    `  - name: ${name}\n    selector:\n      issuer: ${stack.issuer}\n      subject: ${email}\n    scope:\n      images: "${registry.host}/sigbox/**"\n      artifacts: "*"\n${extra}`;
  const provenanceRule = (buildType: string) =>
    emailRule('needs-provenance', EMAIL, `    expectations:\n      attestation:\n        predicateType: ${SLSA_V02}\n        conditions:\n          buildType: ${buildType}\n`);

  /** `sigbox policy explain` in process, with the clients' HOME (no docker config: the registry is open). */
  async function explain(args: string[]): Promise<Explained> {
    let stdout = '';
    let stderr = '';
    const code = await run(['policy', 'explain', ...args], { HOME: stack.home }, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }
  const explainJson = async (args: string[]) => {
    const result = await explain([...args, '--json']);
    return { code: result.code, json: JSON.parse(result.stdout) as ExplainJson, stderr: result.stderr };
  };

  it('signs and attests with cosign v3 (bundle referrers) and cosign v2 (legacy tags; bundle referrers)', async () => {
    const trust = ['--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json')];
    await writeFile(path.join(stack.work, 'provenance.json'), JSON.stringify({ builder: { id: 'https://sigbox.dev/interop' }, buildType: 'https://sigbox.dev/test' }));
    const attest = ['--type', 'slsaprovenance', '--predicate', 'provenance.json', '-y'];
    ok(await cosign(COSIGN_V3, ['sign', ...trust, '--identity-token', await stack.devToken(EMAIL), '-y', refs.v3]));
    ok(await cosign(COSIGN_V3, ['attest', ...trust, '--identity-token', await stack.devToken(EMAIL), ...attest, refs.v3]));
    const legacy = ['--fulcio-url', stack.url, '--rekor-url', stack.url];
    ok(await cosign(COSIGN_V2, ['sign', ...legacy, '--identity-token', await stack.devToken(EMAIL), '-y', refs.v2], cosignLegacyEnv(stack)));
    ok(await cosign(COSIGN_V2, ['attest', ...legacy, '--identity-token', await stack.devToken(EMAIL), ...attest, refs.v2], cosignLegacyEnv(stack)));
    // cosign v2 lists this bundle in the referrers fallback index with the empty config's artifactType (cosign-image.test.ts).
    const bundled = [...legacy, '--trusted-root', stack.trustFile('trusted_root.json'), '--new-bundle-format'];
    ok(await cosign(COSIGN_V2, ['sign', ...bundled, '--identity-token', await stack.devToken(EMAIL), '-y', refs.v2bundle]));
    ok(await cosign(COSIGN_V2, ['attest', ...bundled, '--identity-token', await stack.devToken(EMAIL), ...attest, refs.v2bundle]));
  }, 6 * CLIENT_STEP_TIMEOUT_MS);

  it.each(['v3', 'v2', 'v2bundle'] as const)('accepts the %s image by the rule naming the dev email, with its attestation', async (image) => {
    const file = await policy(`accept-${image}`, `${emailRule('someone-else', 'someone@example.com')}${emailRule('dev-email', EMAIL)}`);
    const { code, json, stderr } = await explainJson(['--policy', file, '--url', stack.url, refs[image]]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(json.rejected).toEqual([]);
    expect(json.signatures).toHaveLength(1);
    const [signature] = json.signatures;
    expect(signature?.source).toMatch(image === 'v2' ? /^cosign \.sig layer sha256:/ : /^referrer sha256:/);
    expect(signature?.identity).toMatchObject({ subject: EMAIL, issuer: stack.issuer });
    expect(signature?.verdicts).toEqual([{ rule: 'someone-else', outcome: 'selector-mismatch', field: 'subject', expected: 'someone@example.com', actual: EMAIL }, { rule: 'dev-email', outcome: 'accepted' }]);
    expect(signature?.attestations.map((a) => a.predicateType)).toEqual([SLSA_V02]);
    expect(json.accepted?.rule).toBe('dev-email');
  }, CLIENT_STEP_TIMEOUT_MS);

  it.each(['v3', 'v2'] as const)('refuses the cosign %s image under a policy for another identity, saying why (text)', async (image) => {
    const file = await policy(`refuse-${image}`, emailRule('someone-else', 'someone@example.com'));
    const { code, stdout } = await explain(['--policy', file, '--trusted-root', stack.trustFile('trusted_root.json'), refs[image]]);
    expect(code).toBe(1);
    expect(stdout).toContain(`signed by ${EMAIL} (issuer ${stack.issuer})`);
    expect(stdout).toContain(`rule someone-else: selector does not match: subject is "${EMAIL}", the rule wants someone@example.com`);
    expect(stdout).toMatch(/NOT ACCEPTED: no rule accepts any verified signature\n$/);
  }, CLIENT_STEP_TIMEOUT_MS);

  it.each(['v3', 'v2'] as const)('checks attestation conditions on the cosign %s image', async (image) => {
    const met = await explainJson(['--policy', await policy(`met-${image}`, provenanceRule('https://sigbox.dev/test')), '--url', stack.url, refs[image]]);
    expect(met.code).toBe(0);
    const unmet = await explain(['--policy', await policy(`unmet-${image}`, provenanceRule('https://other.example/build')), '--url', stack.url, refs[image]]);
    expect(unmet.code).toBe(1);
    expect(unmet.stdout).toContain(`rule needs-provenance: selector matches, expectations fail: attestation ${SLSA_V02}; buildType = https://other.example/build is missing (found: ${SLSA_V02})`);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('refuses an unsigned image and one outside the rule\'s scope', async () => {
    const file = await policy('scoped', emailRule('dev-email', EMAIL).replace(`${registry.host}/sigbox/**`, `${registry.host}/elsewhere/**`));
    const unsigned = await explain(['--policy', file, '--url', stack.url, refs.unsigned]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toContain('no signatures found');
    const scoped = await explain(['--policy', file, '--url', stack.url, refs.v3]);
    expect(scoped.code).toBe(1);
    expect(scoped.stdout).toContain(`rule dev-email: not in scope: ${registry.host}/sigbox/v3 is not among its images/artifacts`);
  }, CLIENT_STEP_TIMEOUT_MS);

  it.each([
    ['no certificate authority', 'certificateAuthorities', /^does not verify: CERTIFICATE_ERROR: /],
    ['no transparency log', 'tlogs', /^does not verify: TLOG_/],
  ] as const)('verifies before it judges: against a trusted root with %s, every signature is ignored with the reason', async (_, emptied, reason) => {
    const root = structuredClone(stack.trustedRoot) as unknown as Record<string, unknown[]>;
    root[emptied] = [];
    const otherRoot = path.join(stack.work, `no-${emptied}.json`);
    await writeFile(otherRoot, JSON.stringify(root));
    const file = await policy('dev-only', emailRule('dev-email', EMAIL));
    for (const image of ['v3', 'v2'] as const) {
      const { code, json } = await explainJson(['--policy', file, '--trusted-root', otherRoot, refs[image]]);
      expect(code).toBe(1);
      expect(json.signatures).toEqual([]);
      expect(json.rejected).toHaveLength(2); // the signature and the attestation
      for (const r of json.rejected) expect(r.error).toMatch(reason);
    }
  }, CLIENT_STEP_TIMEOUT_MS);

  it('refuses a valid signature of another image copied under this image\'s .sig tag', async () => {
    const tagOf = (image: Image) => `${(refs[image].split('@')[1] as string).replace(':', '-')}.sig`;
    const copied = await stack.runClient(SKOPEO as string, [
      'copy', '--src-tls-verify=false', '--dest-tls-verify=false',
      `docker://${registry.host}/sigbox/v2:${tagOf('v2')}`, `docker://${registry.host}/sigbox/unsigned:${tagOf('unsigned')}`,
    ]);
    ok(copied);
    const { code, json } = await explainJson(['--policy', await policy('copied', emailRule('dev-email', EMAIL)), '--url', stack.url, refs.unsigned]);
    expect(code).toBe(1);
    expect(json.signatures).toEqual([]);
    expect(json.rejected).toEqual([{ source: expect.stringMatching(/^cosign \.sig layer /), error: `verifies, but it signs ${refs.v2.split('@')[1]}, not ${refs.unsigned.split('@')[1]}` }]);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('explains bundle files from cosign v3 sign-blob: accepted with the artifact, refused for a tampered one', async () => {
    const trust = ['--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json')];
    await writeFile(path.join(stack.work, 'artifact.tar.gz'), 'hello, policy\n');
    await writeFile(path.join(stack.work, 'tampered.tar.gz'), 'hello, tampered\n');
    ok(await cosign(COSIGN_V3, ['sign-blob', ...trust, '--identity-token', await stack.devToken(EMAIL), '--bundle', 'blob.sigstore.json', '-y', 'artifact.tar.gz']));
    const bundle = path.join(stack.work, 'blob.sigstore.json');
    const file = await policy('blob', emailRule('dev-email', EMAIL).replace('artifacts: "*"', 'artifacts: "*.tar.gz"'));
    const accepted = await explain(['--policy', file, '--url', stack.url, bundle, '--artifact', path.join(stack.work, 'artifact.tar.gz')]);
    expect(accepted.stdout).toContain('ACCEPTED by rule dev-email (bundle blob.sigstore.json)');
    expect(accepted.code).toBe(0);
    const tampered = await explainJson(['--policy', file, '--url', stack.url, bundle, '--artifact', path.join(stack.work, 'tampered.tar.gz')]);
    expect(tampered.code).toBe(1);
    expect(tampered.json.rejected[0]?.error).toMatch(/^does not verify: /);
    const missing = await explain(['--policy', file, '--url', stack.url, bundle]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('give it with --artifact FILE');
  }, CLIENT_STEP_TIMEOUT_MS);
});
