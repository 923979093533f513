// Interop, issue 17: the accepted-identities policy enforced by the REAL integrators against `sigbox up` (PostgreSQL,
// `sigbox init` keys, the testkit OIDC issuer as a GitHub Actions issuer) and images in a real registry, signed by the
// real cosign (admission-fixture.ts: cosign v2 legacy `.sig`/`.att` in the v1 log, cosign v3 bundles in the v1 log,
// cosign v3 bundles in the Rekor v2 log; each accepted+attested, accepted without the attestation, another ref's
// workflow; and one unsigned image). The verdicts, per integrator:
//   - Kyverno CLI v1.19.1 `kyverno apply <ClusterPolicy> --resource pod.yaml --registry`: `type: Cosign` (legacy
//     signatures, trust from the policy, no TUF) and `type: SigstoreBundle` (bundles, Rekor v1 AND v2, trust only
//     from a TUF_ROOT seeded from the box's mirror with tuf-seed);
//   - policy-controller's tester v0.14.0: a `sigstoreKeys` TrustRoot + legacy ClusterImagePolicy, and
//     `signatureFormat: bundle` with trust from the seeded TUF_ROOT (Rekor v1 only);
//   - the pipeline's `cosign verify` / `verify-attestation` (cosign v3.1.3, --trusted-root): every format;
//   - Flux: its verifier is sigstore-go with the Secret's trusted_root.json and matchOIDCIdentity regexes, checked
//     with cosign v3 `verify --trusted-root … --certificate-identity-regexp … --certificate-oidc-issuer-regexp …`.
// Which document accepts which signature format (the `refused` rows below show the rest):
//   Kyverno Cosign: cosign v2 `.sig` only | Kyverno SigstoreBundle: cosign v3 bundles, Rekor v1 and v2 |
//   policy-controller legacy: `.sig` only | policy-controller bundle: v3 bundles in the Rekor v1 log only |
//   cosign v3 lines: all three | Flux (cosign v3 + trusted root): v3 bundles, Rekor v1 and v2 (attestations not
//   required: matchOIDCIdentity cannot say so).
// PostgreSQL pass only (one box, heavy); under CI=true a missing tool fails instead of skipping.
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parsePolicy } from '@sigbox/policy';
import { type ToolResult, findTool, requirePostgres, runTool } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdmissionFixture, BUILD_TYPE, IMAGE_ORG, type ImageName, SLSA_V02, startAdmissionFixture } from './admission-fixture.js';
import { SUBJECTS } from './admission-identities.js';
import {
  type DocumentInput, type TrustedRoot, cosignArgs, cuePolicy, fluxIdentity, kyvernoBundle, kyvernoCosign, policyControllerCip, policyControllerRemoteTrustRoot, policyControllerTrustRoot,
} from './admission-documents.js';

const HAS_POSTGRES = requirePostgres('interop/admission.test.ts');
const WHY = 'issue 17 admission interop with the real integrators (.ci/run builds and installs them)';
const tool = (env: string, what: string) => (HAS_POSTGRES ? findTool({ env, why: `${what}: ${WHY}` }) : undefined);
const KYVERNO = tool('KYVERNO_CLI', 'Kyverno CLI v1.19.1');
const TUF_SEED = tool('KYVERNO_TUF_SEED', "test/go/kyverno-cli/tuf-seed (sigstore/sigstore pkg/tuf's TUF_ROOT layout)");
const TESTER = tool('POLICY_TESTER', "policy-controller's tester v0.14.0");
const COSIGN_V3 = tool('COSIGN_V3', 'cosign v3.1.3');
const COSIGN_V2 = tool('COSIGN_V2', 'cosign v2.6.5');
const DOCKER_REGISTRY = HAS_POSTGRES ? findTool({ command: 'docker-registry', why: `a real OCI registry: apt-get install docker-registry; ${WHY}` }) : undefined;
const SKOPEO = HAS_POSTGRES ? findTool({ command: 'skopeo', why: `pushes the test images: apt-get install skopeo; ${WHY}` }) : undefined;
const READY = [KYVERNO, TUF_SEED, TESTER, COSIGN_V3, COSIGN_V2, DOCKER_REGISTRY, SKOPEO].every((t) => t !== undefined);

/** The whole suite: box, registry, ten images signed, then every integrator's table. */
const SUITE_TIMEOUT_MS = 240_000;
const TABLE_TIMEOUT_MS = 120_000;

/** `pass`, or the failure the tool must report (a pattern of its output): a refusal for the wrong reason fails too. */
type Expected = 'pass' | RegExp;
type Table = Partial<Record<ImageName, Expected>>;

describe.skipIf(!READY)('admission: Kyverno, policy-controller, cosign and Flux enforce the accepted-identities policy', () => {
  let fixture: AdmissionFixture;
  let dir: string;
  let input: DocumentInput;
  let seededTuf: string;
  const timings: Record<string, number> = {};
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    const started = performance.now();
    fixture = await startAdmissionFixture({ cosignV2: COSIGN_V2 as string, cosignV3: COSIGN_V3 as string, dockerRegistry: DOCKER_REGISTRY as string, skopeo: SKOPEO as string });
    Object.assign(timings, fixture.timings);
    const { stack, idp, registry } = fixture;
    dir = path.join(stack.dir, 'admission');
    await mkdir(dir);
    // The policy every document is made from: parsed (and so checked) by @sigbox/policy.
    const policyText = [
      'apiVersion: policy.sigbox.dev/v1alpha1',
      'kind: AcceptedIdentities',
      'rules:',
      '  - name: myorg-app-release',
      '    selector:',
      `      issuer: ${idp.url}`,
      `      subject: ${SUBJECTS.accepted}`,
      '    expectations:',
      '      sourceRepositoryURI: https://github.com/myorg/app',
      '      sourceRepositoryRef: refs/heads/main',
      '      buildTrigger: push',
      '      runnerEnvironment: github-hosted',
      '      attestation:',
      `        predicateType: ${SLSA_V02}`,
      '        conditions:',
      `          buildType: ${BUILD_TYPE}`,
      '    scope:',
      `      images: ${registry.host}/${IMAGE_ORG}/**`,
      '',
    ].join('\n');
    await writeFile(file('policy.yaml'), policyText);
    const policy = parsePolicy(policyText);
    expect(policy.rules.map((r) => r.name)).toEqual(['myorg-app-release']);
    input = {
      trustedRoot: JSON.parse(await readFile(stack.trustFile('trusted_root.json'), 'utf8')) as TrustedRoot,
      url: stack.url,
      issuer: idp.url,
      subject: SUBJECTS.accepted,
      imageGlob: `${registry.host}/${IMAGE_ORG}/*`,
      predicateType: SLSA_V02,
      buildType: BUILD_TYPE,
    };
    await writeFile(file('kyverno-cosign.yaml'), kyvernoCosign(input));
    await writeFile(file('kyverno-bundle.yaml'), kyvernoBundle(input));
    await writeFile(file('kyverno-cosign-dispatch.yaml'), kyvernoCosign(input, { trigger: 'workflow_dispatch' }));
    await writeFile(file('kyverno-bundle-dispatch.yaml'), kyvernoBundle(input, { trigger: 'workflow_dispatch' }));
    await writeFile(file('trustroot.yaml'), policyControllerTrustRoot(input));
    await writeFile(file('cip-legacy.yaml'), policyControllerCip(input, 'legacy'));
    await writeFile(file('cip-bundle.yaml'), policyControllerCip(input, 'bundle'));
    // What the tools refuse, so no export may write it (the trap tests below).
    await writeFile(file('trustroot-all-logs.yaml'), policyControllerTrustRoot(input, { allLogs: true }));
    await writeFile(file('trustroot-remote.yaml'), policyControllerRemoteTrustRoot(`${stack.url}/tuf`, await readFile(fixture.tufRoot1, 'utf8')));
    await writeFile(file('cip-bundle-trustroot.yaml'), policyControllerCip(input, 'bundle', { trustRootRef: true }));
    await writeFile(file('provenance.cue'), cuePolicy(input));
    // Flux's Secret holds the instance's trusted_root.json as it is.
    await cp(stack.trustFile('trusted_root.json'), file('flux-trusted_root.json'));
    // What the Kyverno controller's --tufMirror/--tufRoot and policy-controller's --tuf-mirror/--tuf-root do:
    // sigstore/sigstore pkg/tuf Initialize(mirror, 1.root.json) into TUF_ROOT.
    seededTuf = file('tuf-seeded');
    await mkdir(seededTuf);
    const seeded = await runTool(TUF_SEED as string, ['-mirror', `${stack.url}/tuf`, '-root', fixture.tufRoot1], { env: { PATH: process.env.PATH, HOME: stack.home, TUF_ROOT: seededTuf } });
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    timings.ready = Math.round(performance.now() - started);
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    const code = await fixture?.close();
    console.info(`admission timings (ms): ${JSON.stringify(timings)}`);
    expect(code).toBe(0);
  });

  /**
   * A fresh TUF_ROOT per call: a copy of the seeded one, or empty. go-tuf v0 keeps tuf.db in LevelDB, which one
   * process at a time may open, and the tools run in parallel.
   */
  async function tufRoot(seeded: boolean): Promise<string> {
    const root = await mkdtemp(path.join(dir, 'tuf-'));
    if (seeded) await cp(seededTuf, root, { recursive: true });
    return root;
  }

  /** A tool in the box's clean client environment (no SIGSTORE_/TUF_/COSIGN_ of ours), with its own TUF_ROOT. */
  async function run(binary: string | undefined, args: string[], seeded = false): Promise<ToolResult> {
    return fixture.stack.runClient(binary as string, args, { TUF_ROOT: await tufRoot(seeded) });
  }

  /** A Pod naming the image by digest, as admission sees it. */
  async function pod(image: ImageName): Promise<string> {
    const name = file(`pod-${image}.yaml`);
    await writeFile(name, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: default\nspec:\n  containers:\n    - name: app\n      image: ${fixture.refs[image]}\n`);
    return name;
  }

  /** Runs `verdict` on every image of the table at once; each result must be the expected pass or refusal. */
  async function expectTable(name: string, table: Table, verdict: (image: ImageName) => Promise<ToolResult>): Promise<void> {
    const started = performance.now();
    const entries = Object.entries(table) as Array<[ImageName, Expected]>;
    const results = await Promise.all(entries.map(async ([image]) => verdict(image)));
    const shown = (expected: Expected) => (expected === 'pass' ? 'pass' : `refused: ${expected.source}`);
    const actual = Object.fromEntries(entries.map(([image, expected], i) => {
      const result = results[i] as ToolResult;
      const output = `${result.stdout}\n${result.stderr}`;
      if (result.code === 0) return [image, 'pass'];
      return [image, expected !== 'pass' && expected.test(output) ? shown(expected) : `refused (code ${result.code}): ${output.trim().split('\n').slice(-3).join(' | ')}`];
    }));
    timings[name] = Math.round(performance.now() - started);
    expect(actual, name).toEqual(Object.fromEntries(entries.map(([image, expected]) => [image, shown(expected)])));
  }

  describe('Kyverno CLI v1.19.1: kyverno apply <ClusterPolicy> --resource pod.yaml --registry', () => {
    const apply = async (policy: string, image: ImageName, seeded: boolean) => run(KYVERNO, ['apply', file(policy), '--resource', await pod(image), '--registry'], seeded);

    it('type: Cosign reads the legacy .sig/.att tags with the policy\'s roots and keys (no TUF): accepted+attested passes; other ref, no attestation, unsigned and bundles fail', async () => {
      await expectTable('kyverno-cosign', {
        'v2-accepted': 'pass',
        'v2-unattested': /image attestations verification failed.*no matching attestations/,
        'v2-other': /subject mismatch: expected https:\/\/github\.com\/myorg\/app\/\.github\/workflows\/release\.yml@refs\/heads\/main, received .*@refs\/heads\/feature/,
        unsigned: /keyless: no signatures found/,
        'v3-accepted': /keyless: no signatures found/, // bundles are referrers: this verifier does not read them
      }, (image) => apply('kyverno-cosign.yaml', image, false));
    }, TABLE_TIMEOUT_MS);

    it('type: Cosign enforces additionalExtensions (GitHub 1.2-1.6 only): the accepted image fails a policy wanting another trigger', async () => {
      await expectTable('kyverno-cosign-extension', { 'v2-accepted': /extension mismatch: expected workflow_dispatch for key githubWorkflowTrigger, received push/ }, (image) => apply('kyverno-cosign-dispatch.yaml', image, false));
    }, TABLE_TIMEOUT_MS);

    it('type: SigstoreBundle verifies cosign v3 bundles in the Rekor v1 and v2 logs through the box\'s TUF mirror: accepted+attested passes; the rest fail', async () => {
      const noSignature = /keyless: sigstore bundle verification failed: no matching signatures found/;
      await expectTable('kyverno-bundle', {
        'v3-accepted': 'pass',
        'v3r2-accepted': 'pass',
        'v3-unattested': /image attestations verification failed/,
        'v3r2-unattested': /image attestations verification failed/,
        'v3-other': noSignature,
        'v3r2-other': noSignature,
        unsigned: noSignature,
        'v2-accepted': noSignature, // legacy .sig tags: this verifier reads only bundle referrers
      }, (image) => apply('kyverno-bundle.yaml', image, true));
    }, TABLE_TIMEOUT_MS);

    it('type: SigstoreBundle IGNORES additionalExtensions: a policy wanting another trigger still passes the accepted image (an export must count them as dropped)', async () => {
      // pkg/image/verifiers/cpol/cosign/sigstore.go buildPolicy: only issuer/subject (exact or RegExp) reach
      // sigstore-go's certificate identity; `type: Cosign` matches subject, issuer and extensions as wildcards
      // (`*`, `?`: cosign.go matchCertificateData/matchExtensions), this type exactly.
      await expectTable('kyverno-bundle-extension', { 'v3-accepted': 'pass' }, (image) => apply('kyverno-bundle-dispatch.yaml', image, true));
    }, TABLE_TIMEOUT_MS);

    it('type: SigstoreBundle with an unseeded TUF_ROOT fails: its trust really came from the mirror (else the embedded public-good root)', async () => {
      await expectTable('kyverno-bundle-unseeded', { 'v3-accepted': /failed to get trusted material: .*initializing tuf/ }, (image) => apply('kyverno-bundle.yaml', image, false));
    }, TABLE_TIMEOUT_MS);
  });

  describe("policy-controller's tester v0.14.0: tester -policy CIP -trustroot TrustRoot -image IMG@sha256:…", () => {
    const tester = (cip: string, image: ImageName, trustRoot: string | undefined, seeded = false) =>
      run(TESTER, ['-policy', file(cip), ...(trustRoot === undefined ? [] : ['-trustroot', file(trustRoot)]), '-image', fixture.refs[image]], seeded);

    it('legacy format with a sigstoreKeys TrustRoot (the v1 log only): accepted+attested passes; other ref, no attestation, unsigned and bundles fail', async () => {
      await expectTable('tester-legacy', {
        'v2-accepted': 'pass',
        'v2-unattested': /no matching attestations/,
        'v2-other': /none of the expected identities matched what was in the certificate, got subjects \[https:\/\/github\.com\/myorg\/app\/\.github\/workflows\/release\.yml@refs\/heads\/feature\]/,
        unsigned: /no matching attestations/,
        'v3-accepted': /no matching attestations/,
      }, (image) => tester('cip-legacy.yaml', image, 'trustroot.yaml'));
    }, TABLE_TIMEOUT_MS);

    it('signatureFormat: bundle with trust from the TUF mirror: v3 bundles in the v1 log pass when accepted+attested; Rekor v2 entries, other ref, no attestation, unsigned fail', async () => {
      await expectTable('tester-bundle', {
        'v3-accepted': 'pass',
        'v3-unattested': /no matching attestations with type https:\/\/slsa\.dev\/provenance\/v0\.2/,
        'v3-other': /expected SAN value \\"https:\/\/github\.com\/myorg\/app\/\.github\/workflows\/release\.yml@refs\/heads\/main\\", got \\".*@refs\/heads\/feature/,
        unsigned: /no valid bundles exist in registry/,
        'v3r2-accepted': /no valid bundles exist in registry/, // sigstore-go v0.7.2 reads no Rekor v2 entry
        'v2-accepted': /no valid bundles exist in registry/,
      }, (image) => tester('cip-bundle.yaml', image, undefined, true));
    }, TABLE_TIMEOUT_MS);
  });

  describe("policy-controller's tester v0.14.0: the TrustRoots it refuses, which an export must not write", () => {
    const tester = (cip: string, image: ImageName, trustRoot: string) => run(TESTER, ['-policy', file(cip), '-trustroot', file(trustRoot), '-image', fixture.refs[image]]);

    it('a TrustRoot listing the Rekor v2 log (Ed25519) breaks the legacy path, even for an accepted image: validator.go wants ECDSA log keys', async () => {
      await expectTable('tester-trap-ed25519', { 'v2-accepted': /getting Rekor public keys: .*public key 1 is not ecdsa\.PublicKey/ }, (image) => tester('cip-legacy.yaml', image, 'trustroot-all-logs.yaml'));
    }, TABLE_TIMEOUT_MS);

    it('bundle format with a trustRootRef fails for an accepted image: sigstoreKeys gives log IDs as hex text, remote (in the tester) a root without media type', async () => {
      // pkg/apis/config/sigstore_keys.go ConvertTransparencyLogInstance: `LogId.KeyId: []byte(logID)` with logID the
      // hex string of cosign.GetTransparencyLogID, so sigstore-go (keyed by hex(KeyId)) finds no log for any entry.
      await expectTable('tester-trap-bundle-keys', { 'v3-accepted': /failed to verify log inclusion: not enough verified log entries from transparency log/ }, (image) => tester('cip-bundle-trustroot.yaml', image, 'trustroot.yaml'));
      // cmd/tester/trustroot.go passes "" as trustedRootTarget, so the legacy targets' custom metadata is read and
      // the resulting root has no mediaType (the controller's reconciler reads trusted_root.json instead).
      await expectTable('tester-trap-bundle-remote', { 'v3-accepted': /failed to create trusted root from protobuf: unsupported TrustedRoot media type/ }, (image) => tester('cip-bundle-trustroot.yaml', image, 'trustroot-remote.yaml'));
      // The same remote TrustRoot serves the legacy path: its keys come from those legacy targets.
      await expectTable('tester-remote-legacy', { 'v2-accepted': 'pass', 'v2-other': /none of the expected identities matched/ }, (image) => tester('cip-legacy.yaml', image, 'trustroot-remote.yaml'));
    }, TABLE_TIMEOUT_MS);
  });

  describe('the pipeline step: cosign v3.1.3 verify / verify-attestation --trusted-root', () => {
    const trusted = () => ['--trusted-root', fixture.stack.trustFile('trusted_root.json')];
    const otherIdentity = /expected SAN value "https:\/\/github\.com\/myorg\/app\/\.github\/workflows\/release\.yml@refs\/heads\/main", got|none of the expected identities matched/;

    it('cosign verify: the accepted workflow\'s signature passes in every format; another ref and unsigned fail', async () => {
      const { verify } = cosignArgs(input, file('provenance.cue'));
      await expectTable('cosign-verify', {
        'v2-accepted': 'pass', 'v3-accepted': 'pass', 'v3r2-accepted': 'pass',
        'v2-unattested': 'pass', 'v3-unattested': 'pass', 'v3r2-unattested': 'pass',
        'v2-other': otherIdentity, 'v3-other': otherIdentity, 'v3r2-other': otherIdentity,
        unsigned: /no signatures found/,
      }, (image) => run(COSIGN_V3, [verify[0] as string, ...trusted(), ...verify.slice(1), fixture.refs[image]]));
    }, TABLE_TIMEOUT_MS);

    it('cosign verify-attestation --type slsaprovenance --policy: accepted+attested passes in every format; no attestation, another ref and unsigned fail', async () => {
      const { verifyAttestation } = cosignArgs(input, file('provenance.cue'));
      const none = /no matching attestations|none of the attestations matched the predicate type/;
      await expectTable('cosign-verify-attestation', {
        'v2-accepted': 'pass', 'v3-accepted': 'pass', 'v3r2-accepted': 'pass',
        'v2-unattested': none, 'v3-unattested': none, 'v3r2-unattested': none,
        'v2-other': otherIdentity, 'v3-other': otherIdentity, 'v3r2-other': otherIdentity,
        unsigned: /no signatures found|no matching attestations/,
      }, (image) => run(COSIGN_V3, [verifyAttestation[0] as string, ...trusted(), ...verifyAttestation.slice(1), fixture.refs[image]]));
    }, TABLE_TIMEOUT_MS);
  });

  describe("Flux: the Secret's trusted_root.json and matchOIDCIdentity, checked with cosign v3", () => {
    it('bundles of the accepted workflow pass (Rekor v1 and v2; the attestation is not required: Flux cannot say so); another ref and unsigned fail', async () => {
      const identity = fluxIdentity(input);
      const args = ['verify', '--trusted-root', file('flux-trusted_root.json'), '--certificate-identity-regexp', identity.subject, '--certificate-oidc-issuer-regexp', identity.issuer];
      const other = /expected SAN value to match regex/;
      await expectTable('flux', {
        'v3-accepted': 'pass', 'v3r2-accepted': 'pass', 'v3-unattested': 'pass', 'v3r2-unattested': 'pass',
        'v3-other': other, 'v3r2-other': other,
        unsigned: /no signatures found/,
      }, (image) => run(COSIGN_V3, [...args, fixture.refs[image]]));
    }, TABLE_TIMEOUT_MS);
  });
});
