// Interop, issue 17: the accepted-identities policy, exported by @sigbox/policy-export, enforced by the REAL
// integrators against `sigbox up` (PostgreSQL, `sigbox init` keys, the testkit OIDC issuer as a GitHub Actions
// issuer) and images in a real registry signed by the real cosign (admission-fixture.ts: cosign v2 legacy `.sig`/`.att`
// in the v1 log, cosign v3 bundles in the v1 log, cosign v3 bundles in the Rekor v2 log; each accepted+attested,
// accepted without the attestation, another ref's workflow; and one unsigned image). The verdicts, per export:
//   - `kyverno` (ClusterPolicy) with `kyverno apply … --registry` (Kyverno CLI v1.19.1): `signatureFormat: legacy`
//     (`type: Cosign`: trust from the policy, no TUF) and `bundle` (`type: SigstoreBundle`: trust only from a
//     TUF_ROOT seeded from the box's mirror with tuf-seed, as the controller's --tufMirror/--tufRoot do);
//   - `kyverno-ivp` (ImageValidatingPolicy; trust from its own trustedRoot/tuf stanzas);
//   - `policy-controller` with its tester v0.14.0: legacy on a sigstoreKeys or a remote TrustRoot, and the default
//     (both formats) with bundles trusted through the controller's TUF (the tester's TUF_ROOT, seeded);
//   - `cosign`: the exported verify.sh with cosign v3.1.3;
//   - `flux`: no Flux runs here; its verifier is sigstore-go with the Secret's trusted_root.json and the
//     matchOIDCIdentity regexes, checked with cosign v3 `verify --trusted-root … --certificate-*-regexp …`.
// Which export accepts which signature format (the refusals in the tables show the rest):
//   kyverno legacy: cosign v2 `.sig` only | kyverno bundle: cosign v3 bundles, Rekor v1 and v2 | kyverno-ivp: all
//   three | policy-controller legacy: `.sig` only | policy-controller default: `.sig`, and v3 bundles in the Rekor
//   v1 log (sigstore-go v0.7.2 reads no Rekor v2 entry) | cosign verify.sh (cosign v3): all three | flux: v3
//   bundles, Rekor v1 and v2, attestation not required (matchOIDCIdentity cannot say so: the export lists it as
//   dropped).
// Beside the tables, "traps": hand-written variants (admission-documents.ts) the tools refuse or misread, so no export
// may write them. PostgreSQL pass only (one box, heavy); under CI=true a missing tool fails instead of skipping.
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Policy, evaluate, identityFromCertificate, parsePolicy } from '@sigbox/policy';
import { type ToolResult, findTool, requirePostgres, runTool } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type AdmissionFixture, BUILD_TYPE, IMAGE_NAMES, IMAGE_ORG, type ImageName, SLSA_V02, startAdmissionFixture } from './admission-fixture.js';
import { type ExportName, type WrittenExport, writeExports } from './admission-exports.js';
import { SUBJECTS } from './admission-identities.js';
import { imageSignatures } from './admission-signatures.js';
import { artifactLayer, legacySignature, referrers } from './oci-registry.js';
import {
  type DocumentInput, type TrustedRoot, kyvernoBundle, kyvernoCosign, policyControllerCip, policyControllerRemoteTrustRoot, policyControllerTrustRoot,
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

/** The whole set-up: box, registry, ten images signed, the exports written. */
const SETUP_TIMEOUT_MS = 240_000;
const TABLE_TIMEOUT_MS = 120_000;

/** `pass`, or the refusal the tool must report (a pattern of its output): a refusal for the wrong reason fails too. */
type Expected = 'pass' | RegExp;
type Table = Partial<Record<ImageName, Expected>>;

const ACCEPTED_SUBJECT = /https:\/\/github\.com\/myorg\/app\/\.github\/workflows\/release\.yml@refs\/heads\/main/;
/** The expectation fields an export reports as dropped: `rule NAME (line N): FIELD …`. */
const droppedFields = (written: WrittenExport) => written.result.dropped.map((d) => /\): (\w+) /.exec(d)?.[1]);
const IDENTITY_ONLY = ['sourceRepositoryURI', 'sourceRepositoryRef', 'buildTrigger', 'runnerEnvironment'];

describe.skipIf(!READY)('admission: the exported policy enforced by Kyverno, policy-controller, cosign and Flux (through cosign)', () => {
  let fixture: AdmissionFixture;
  let dir: string;
  let input: DocumentInput;
  let seededTuf: string;
  let exports: Record<ExportName, WrittenExport>;
  let policy: Policy;
  const timings: Record<string, number> = {};
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    const started = performance.now();
    fixture = await startAdmissionFixture({ cosignV2: COSIGN_V2 as string, cosignV3: COSIGN_V3 as string, dockerRegistry: DOCKER_REGISTRY as string, skopeo: SKOPEO as string });
    Object.assign(timings, fixture.timings);
    const { stack, idp, registry } = fixture;
    dir = path.join(stack.dir, 'admission');
    await mkdir(dir);
    // The policy every document is made from, as a user writes it.
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
    const trustedRootText = await readFile(stack.trustFile('trusted_root.json'), 'utf8');
    const tufRoot1 = await readFile(fixture.tufRoot1, 'utf8');
    policy = parsePolicy(policyText);
    exports = await writeExports({
      policy,
      trustedRoot: JSON.parse(trustedRootText),
      rekorUrl: stack.url,
      tuf: { mirror: `${stack.url}/tuf`, root: tufRoot1 },
    }, path.join(dir, 'exports'));
    // The tester takes the TrustRoot and the ClusterImagePolicy as two files; kubectl takes the export's one.
    for (const name of ['policy-controller', 'policy-controller-legacy', 'policy-controller-remote'] as const) {
      const docs = parseAllDocuments(await readFile(exports[name].file('policy-controller.yaml'), 'utf8'));
      expect(docs.map((d) => d.get('kind'))).toEqual(['TrustRoot', 'ClusterImagePolicy']);
      await writeFile(exports[name].file('trustroot.yaml'), String(docs[0]));
      await writeFile(exports[name].file('cip.yaml'), String(docs[1]));
    }
    // Flux's Secret and verify stanza, for cosign.
    const [secret, repository] = parseAllDocuments(await readFile(exports.flux.file('flux.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, any>);
    await writeFile(exports.flux.file('trusted_root.json'), secret?.stringData['trusted_root.json']);
    await writeFile(exports.flux.file('identity.json'), JSON.stringify(repository?.spec.verify.matchOIDCIdentity));

    // The traps' hand-written documents.
    input = {
      trustedRoot: JSON.parse(trustedRootText) as TrustedRoot,
      url: stack.url,
      issuer: idp.url,
      subject: SUBJECTS.accepted,
      imageGlob: `${registry.host}/${IMAGE_ORG}/*`,
      predicateType: SLSA_V02,
      buildType: BUILD_TYPE,
    };
    await writeFile(file('kyverno-cosign-dispatch.yaml'), kyvernoCosign(input, { trigger: 'workflow_dispatch' }));
    await writeFile(file('kyverno-bundle-dispatch.yaml'), kyvernoBundle(input, { trigger: 'workflow_dispatch' }));
    await writeFile(file('trustroot.yaml'), policyControllerTrustRoot(input));
    await writeFile(file('trustroot-all-logs.yaml'), policyControllerTrustRoot(input, { allLogs: true }));
    await writeFile(file('trustroot-remote.yaml'), policyControllerRemoteTrustRoot(`${stack.url}/tuf`, tufRoot1));
    await writeFile(file('cip-legacy.yaml'), policyControllerCip(input, 'legacy'));
    await writeFile(file('cip-bundle-trustroot.yaml'), policyControllerCip(input, 'bundle', { trustRootRef: true }));

    // What the Kyverno controller's --tufMirror/--tufRoot and policy-controller's --tuf-mirror/--tuf-root do:
    // sigstore/sigstore pkg/tuf Initialize(mirror, 1.root.json) into TUF_ROOT.
    seededTuf = file('tuf-seeded');
    await mkdir(seededTuf);
    const seeded = await runTool(TUF_SEED as string, ['-mirror', `${stack.url}/tuf`, '-root', fixture.tufRoot1], { env: { PATH: process.env.PATH, HOME: stack.home, TUF_ROOT: seededTuf } });
    expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
    timings.ready = Math.round(performance.now() - started);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    const code = await fixture?.close();
    console.info(`admission timings (ms): ${JSON.stringify(timings)}`);
    expect(code).toBe(0);
  });

  /**
   * A fresh TUF_ROOT per call: a copy of the seeded one, or empty. go-tuf v0 keeps tuf.db in LevelDB, which one
   * process at a time may open, and the tools run in parallel (an IVP's `tuf` stanza writes it too).
   */
  async function tufRoot(seeded: boolean): Promise<string> {
    const root = await mkdtemp(path.join(dir, 'tuf-'));
    if (seeded) await cp(seededTuf, root, { recursive: true });
    return root;
  }

  /** A tool in the box's clean client environment (no SIGSTORE_/TUF_/COSIGN_ of ours), with its own TUF_ROOT. */
  async function run(binary: string | undefined, args: string[], seeded = false, env: Record<string, string> = {}): Promise<ToolResult> {
    return fixture.stack.runClient(binary as string, args, { TUF_ROOT: await tufRoot(seeded), ...env });
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

  it('the fixture signed each format where it says: .sig/.att tags with a Rekor v1 SET; bundles with a v1 or a v2 entry', async () => {
    const { host } = fixture.registry;
    const repository = (image: ImageName) => fixture.refs[image].slice(host.length + 1).split('@')[0] as string;
    const digest = (image: ImageName) => fixture.refs[image].split('@')[1] as string;
    for (const suffix of ['sig', 'att'] as const) {
      const legacy = await legacySignature(host, repository('v2-accepted'), digest('v2-accepted'), suffix);
      expect(Object.keys(legacy.annotations)).toEqual(expect.arrayContaining(['dev.sigstore.cosign/bundle', 'dev.sigstore.cosign/certificate']));
    }
    const entryVersions = async (image: ImageName) => {
      const bundles = await Promise.all((await referrers(host, repository(image), digest(image))).map((r) => artifactLayer(host, repository(image), r.digest)));
      return bundles.map((b) => (b as { verificationMaterial: { tlogEntries: Array<{ kindVersion: { version: string } }> } }).verificationMaterial.tlogEntries.map((e) => e.kindVersion.version));
    };
    expect(await entryVersions('v3-accepted')).toEqual([['0.0.1'], ['0.0.1']]); // signature and attestation, v1 log
    expect(await entryVersions('v3r2-accepted')).toEqual([['0.0.2'], ['0.0.2']]); // Rekor v2
    expect(await referrers(host, repository('unsigned'), digest('unsigned'))).toEqual([]);
  });

  it("the policy's own evaluator (@sigbox/policy) accepts exactly the images the integrators accept, for the same reasons they refuse the rest", async () => {
    // No verification here (the integrators do that): the certificate and statements as the registry holds them.
    const { host } = fixture.registry;
    const verdicts = await Promise.all(IMAGE_NAMES.map(async (image) => {
      const [name, digest] = fixture.refs[image].split('@') as [string, string];
      const found = await imageSignatures(host, name.slice(host.length + 1), digest);
      if (found.certificate === undefined) return [image, 'unsigned'];
      const result = evaluate(policy, identityFromCertificate(found.certificate), { image: name, attestations: found.attestations });
      const why = result.verdicts.map((v) => (v.outcome === 'expectations-failed' ? v.failures.map((f) => f.field).join(',') : v.outcome === 'selector-mismatch' ? `${v.outcome} ${v.field}` : v.outcome));
      return [image, result.accepted ?? why.join('; ')];
    }));
    const expected = (c: string) => ({ accepted: 'myorg-app-release', unattested: 'attestation', other: 'selector-mismatch subject' })[c];
    expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(IMAGE_NAMES.map((image) => [image, image === 'unsigned' ? 'unsigned' : expected(image.split('-')[1] as string)])));
  });

  it('each export says which of the policy\'s expectations its target cannot check (the export is wider there)', () => {
    expect(droppedFields(exports['kyverno-legacy'])).toEqual(['runnerEnvironment']); // 1.2-1.6 carry the rest
    expect(droppedFields(exports.cosign)).toEqual(['runnerEnvironment']);
    for (const name of ['kyverno-bundle', 'kyverno-ivp', 'policy-controller', 'policy-controller-legacy', 'policy-controller-remote'] as const) {
      expect(droppedFields(exports[name]), name).toEqual(IDENTITY_ONLY);
    }
    expect(droppedFields(exports.flux)).toEqual([...IDENTITY_ONLY, 'attestation']);
  });

  describe('Kyverno CLI v1.19.1: kyverno apply <export> --resource pod.yaml --registry', () => {
    const apply = async (policy: string, image: ImageName, seeded: boolean) => run(KYVERNO, ['apply', policy, '--resource', await pod(image), '--registry'], seeded);

    it('ClusterPolicy, legacy (type: Cosign): reads .sig/.att with the policy\'s roots and keys, no TUF; accepted+attested passes, other ref, no attestation, unsigned and bundles fail', async () => {
      await expectTable('kyverno-legacy', {
        'v2-accepted': 'pass',
        'v2-unattested': /image attestations verification failed.*no matching attestations/,
        'v2-other': new RegExp(`subject mismatch: expected ${ACCEPTED_SUBJECT.source}, received .*@refs/heads/feature`),
        unsigned: /keyless: no signatures found/,
        'v3-accepted': /keyless: no signatures found/, // bundles are referrers: this verifier does not read them
      }, (image) => apply(exports['kyverno-legacy'].file('kyverno-clusterpolicy.yaml'), image, false));
    }, TABLE_TIMEOUT_MS);

    it('ClusterPolicy, bundle (type: SigstoreBundle): v3 bundles in the Rekor v1 and v2 logs through the box\'s TUF mirror; accepted+attested passes, the rest fail', async () => {
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
      }, (image) => apply(exports['kyverno-bundle'].file('kyverno-clusterpolicy.yaml'), image, true));
    }, TABLE_TIMEOUT_MS);

    it('ImageValidatingPolicy: every format of the accepted workflow with its attestation passes; other ref, no attestation, unsigned fail', async () => {
      // Its trust is its own trustedRoot stanza (the `tuf` stanza initialises an empty TUF_ROOT too). Kyverno's CEL
      // says only that the validation failed: which call returned false is in its -v logs, not in the verdict.
      const denied = /no rule of myorg-app-release accepts the image's signer/;
      await expectTable('kyverno-ivp', {
        'v2-accepted': 'pass', 'v3-accepted': 'pass', 'v3r2-accepted': 'pass',
        'v2-unattested': denied, 'v3-unattested': denied, 'v3r2-unattested': denied,
        'v2-other': denied, 'v3-other': denied, 'v3r2-other': denied,
        unsigned: denied,
      }, (image) => apply(exports['kyverno-ivp'].file('kyverno-imagevalidatingpolicy.yaml'), image, false));
    }, TABLE_TIMEOUT_MS);
  });

  describe("policy-controller's tester v0.14.0: tester -policy CIP -trustroot TrustRoot -image IMG@sha256:…", () => {
    const tester = (name: ExportName, image: ImageName, seeded = false) =>
      run(TESTER, ['-policy', exports[name].file('cip.yaml'), '-trustroot', exports[name].file('trustroot.yaml'), '-image', fixture.refs[image]], seeded);
    const legacyTable: Table = {
      'v2-accepted': 'pass',
      'v2-unattested': /no matching attestations/,
      'v2-other': new RegExp(`none of the expected identities matched what was in the certificate, got subjects \\[.*@refs/heads/feature\\]`),
      unsigned: /no matching attestations/,
      'v3-accepted': /no matching attestations/, // a legacy authority reads .att tags only
    };

    it('legacy export, sigstoreKeys TrustRoot (the v1 log only): accepted+attested passes; other ref, no attestation, unsigned and bundles fail', async () => {
      await expectTable('tester-legacy', legacyTable, (image) => tester('policy-controller-legacy', image));
    }, TABLE_TIMEOUT_MS);

    it('legacy export, remote TrustRoot (the box\'s TUF mirror): the same verdicts', async () => {
      // The tester reads a remote TrustRoot's legacy targets (cmd/tester/trustroot.go passes no trustedRootTarget).
      await expectTable('tester-remote', legacyTable, (image) => tester('policy-controller-remote', image));
    }, TABLE_TIMEOUT_MS);

    it('default export (an authority per format), bundles trusted through the controller\'s TUF: .sig and v1-log bundles of the accepted workflow pass; Rekor v2 entries and the rest fail', async () => {
      // With several authorities the tester reports one authority's error; any refusal of it is a refusal.
      const refused = /attestation keyless validation failed for authority myorg-app-release-(legacy|bundle)/;
      await expectTable('tester-default', {
        'v2-accepted': 'pass',
        'v3-accepted': 'pass',
        'v3r2-accepted': refused, // sigstore-go v0.7.2 reads no Rekor v2 entry
        'v2-unattested': refused, 'v3-unattested': refused,
        'v2-other': refused, 'v3-other': refused,
        unsigned: refused,
      }, (image) => tester('policy-controller', image, true));
    }, TABLE_TIMEOUT_MS);
  });

  describe('the pipeline step: the exported verify.sh with cosign', () => {
    const verifySh = (image: ImageName, cosign: string | undefined) => run('/bin/sh', [exports.cosign.file('verify.sh'), fixture.refs[image]], false, { COSIGN: cosign as string });

    it('with cosign v3.1.3: the accepted workflow with its attestation passes in every format; no attestation, other ref and unsigned fail', async () => {
      const noAttestation = /none of the attestations matched the predicate type|no matching attestations/;
      const other = /no matching signatures|expected SAN value|none of the expected identities matched/;
      await expectTable('cosign-script', {
        'v2-accepted': 'pass', 'v3-accepted': 'pass', 'v3r2-accepted': 'pass',
        'v2-unattested': noAttestation, 'v3-unattested': noAttestation, 'v3r2-unattested': noAttestation,
        'v2-other': other, 'v3-other': other, 'v3r2-other': other,
        unsigned: /no signatures found/,
      }, (image) => verifySh(image, COSIGN_V3));
    }, TABLE_TIMEOUT_MS);

    it('with cosign v2.6.5 the script refuses legacy .sig images: v2 reads --trusted-root only with --new-bundle-format', async () => {
      await expectTable('cosign-script-v2', { 'v2-accepted': /trusted root path currently only supported with --new-bundle-format/ }, (image) => verifySh(image, COSIGN_V2));
    }, TABLE_TIMEOUT_MS);
  });

  describe("Flux: the exported Secret's trusted_root.json and matchOIDCIdentity, checked with cosign v3", () => {
    it('bundles of the accepted workflow pass (Rekor v1 and v2; the attestation is not required: dropped); another ref and unsigned fail', async () => {
      const [identity] = JSON.parse(await readFile(exports.flux.file('identity.json'), 'utf8')) as Array<{ issuer: string; subject: string }>;
      const args = ['verify', '--trusted-root', exports.flux.file('trusted_root.json'), '--certificate-identity-regexp', identity?.subject ?? '', '--certificate-oidc-issuer-regexp', identity?.issuer ?? ''];
      const other = /expected SAN value to match regex/;
      await expectTable('flux', {
        'v3-accepted': 'pass', 'v3r2-accepted': 'pass', 'v3-unattested': 'pass', 'v3r2-unattested': 'pass',
        'v3-other': other, 'v3r2-other': other,
        unsigned: /no signatures found/,
      }, (image) => run(COSIGN_V3, [...args, fixture.refs[image]]));
    }, TABLE_TIMEOUT_MS);
  });

  describe('traps: hand-written variants the tools refuse or misread, which an export must not write', () => {
    const apply = async (policy: string, image: ImageName, seeded: boolean) => run(KYVERNO, ['apply', file(policy), '--resource', await pod(image), '--registry'], seeded);
    const tester = (cip: string, image: ImageName, trustRoot: string) => run(TESTER, ['-policy', file(cip), '-trustroot', file(trustRoot), '-image', fixture.refs[image]]);

    it('Kyverno type: Cosign enforces additionalExtensions (GitHub 1.2-1.6): the accepted image fails a policy wanting another trigger', async () => {
      await expectTable('trap-kyverno-cosign-extension', { 'v2-accepted': /extension mismatch: expected workflow_dispatch for key githubWorkflowTrigger, received push/ }, (image) => apply('kyverno-cosign-dispatch.yaml', image, false));
    }, TABLE_TIMEOUT_MS);

    it('Kyverno type: SigstoreBundle IGNORES additionalExtensions: a policy wanting another trigger still passes the accepted image', async () => {
      // pkg/image/verifiers/cpol/cosign/sigstore.go buildPolicy: only issuer/subject (exact or RegExp) reach
      // sigstore-go's certificate identity. `type: Cosign` matches subject, issuer and extensions as wildcards
      // (`*`, `?`: cosign.go matchCertificateData/matchExtensions), this type exactly.
      await expectTable('trap-kyverno-bundle-extension', { 'v3-accepted': 'pass' }, (image) => apply('kyverno-bundle-dispatch.yaml', image, true));
    }, TABLE_TIMEOUT_MS);

    it('Kyverno type: SigstoreBundle with an unseeded TUF_ROOT fails: its trust comes from TUF only (else the embedded public-good root)', async () => {
      await expectTable('trap-kyverno-unseeded', { 'v3-accepted': /failed to get trusted material: .*initializing tuf/ }, (image) => apply(path.relative(dir, exports['kyverno-bundle'].file('kyverno-clusterpolicy.yaml')), image, false));
    }, TABLE_TIMEOUT_MS);

    it('policy-controller: a TrustRoot listing the Rekor v2 log (Ed25519) breaks the legacy path, even for an accepted image', async () => {
      // pkg/webhook/validator.go: every tlog key of the TrustRoot must be *ecdsa.PublicKey (cosign#2540).
      await expectTable('trap-tester-ed25519', { 'v2-accepted': /getting Rekor public keys: .*public key 1 is not ecdsa\.PublicKey/ }, (image) => tester('cip-legacy.yaml', image, 'trustroot-all-logs.yaml'));
      await expectTable('trap-tester-v1-only', { 'v2-accepted': 'pass' }, (image) => tester('cip-legacy.yaml', image, 'trustroot.yaml'));
    }, TABLE_TIMEOUT_MS);

    it('policy-controller: a bundle authority with a trustRootRef fails for an accepted image (sigstoreKeys: log IDs as hex text; remote, in the tester: no media type)', async () => {
      // pkg/apis/config/sigstore_keys.go ConvertTransparencyLogInstance: `LogId.KeyId: []byte(logID)` with logID the
      // hex string of cosign.GetTransparencyLogID, so sigstore-go (keyed by hex(KeyId)) finds no log for any entry.
      await expectTable('trap-tester-bundle-keys', { 'v3-accepted': /failed to verify log inclusion: not enough verified log entries from transparency log/ }, (image) => tester('cip-bundle-trustroot.yaml', image, 'trustroot.yaml'));
      // cmd/tester/trustroot.go passes "" as trustedRootTarget, so it builds the root from the legacy targets'
      // custom metadata, with no mediaType (the controller's reconciler reads trusted_root.json instead).
      await expectTable('trap-tester-bundle-remote', { 'v3-accepted': /failed to create trusted root from protobuf: unsupported TrustedRoot media type/ }, (image) => tester('cip-bundle-trustroot.yaml', image, 'trustroot-remote.yaml'));
    }, TABLE_TIMEOUT_MS);
  });
});
