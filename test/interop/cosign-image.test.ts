// Interop: the real cosign v3 and v2 sign, attest and verify an IMAGE in a real OCI registry (docker-registry,
// filled with skopeo) against the real `sigbox up --dev`: cosign v3 with the signing config (the Rekor v2 log and
// the TSA) and trusted root, cosign v2 (the v1 log) both with URL flags and --trusted-root and on the legacy SIGSTORE_* path. Only the trust files Sigbox writes
// are given: no TUF (TUF_ROOT is an empty folder), no --insecure-ignore-* flag. The registry is plain HTTP on
// 127.0.0.1, which cosign reaches without --allow-http-registry: go-containerregistry picks http for loopback
// registries (pkg/name/registry.go Scheme). docker-registry 2.8 has no referrers API, so cosign keeps its bundles
// under the referrers fallback tag. On PGlite and, with TEST_DATABASE_URL, on a fresh Postgres database.
// Tests run in order: verification uses what was signed before.
import crypto from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, type ToolResult, databaseEngines, findTool, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, type TlogEntryJson, closeStack, cosignLegacyEnv, expectLogged, expectLoggedV2, expectRefused, expectSuccess } from './fixture.js';
import { artifactLayer, legacySignature, type OciRegistry, pushImage, type Referrer, referrers, resolveDigest, startRegistry, writeOciImage } from './oci-registry.js';

const WHY = 'keyless image signing with the real client; go install github.com/sigstore/cosign/{v3,v2}/cmd/cosign and set the path';
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: `cosign v3.1.3: ${WHY}` });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: `cosign v2.6.5: ${WHY}` });
const REGISTRY_WHY = 'a real OCI registry for cosign image signing; apt-get install docker-registry skopeo';
const DOCKER_REGISTRY = findTool({ command: 'docker-registry', why: REGISTRY_WHY });
const SKOPEO = findTool({ command: 'skopeo', why: REGISTRY_WHY });
const EMAIL = 'you@example.com';
/** How much of the registry's log a failure shows. */
const LOG_TAIL_CHARS = 4000;
/** The images pushed: one signed by cosign v3, one by cosign v2 on each of its paths, one never signed. */
const IMAGES = ['v3', 'v2', 'v2bundle', 'unsigned'] as const;
type Image = (typeof IMAGES)[number];
/** cosign's exit codes (cmd/cosign/errors/exit_codes.go) for "no signatures found" and, on its legacy path, "no matching signatures". */
const NO_SIGNATURES_EXIT = 10;
const NO_MATCHING_SIGNATURES_EXIT = 12;
const OTHER_SAN = 'expected SAN value "someone@example.com", got "you@example.com"';
const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/**
 * The artifactType cosign v2 gives its bundle in the referrers fallback index: its go-containerregistry takes the
 * config's media type (the OCI empty descriptor), although the manifest itself says BUNDLE_V03.
 */
const V2_FALLBACK_ARTIFACT_TYPE = 'application/vnd.oci.empty.v1+json';
/** What `--type slsaprovenance` stands for in cosign (pkg/cosign/attestation: the SLSA v0.2 predicate). */
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
/** Annotations of a legacy `.sig` layer: the Rekor SET and entry, and the signing certificate (cosign pkg/oci/static). */
const COSIGN_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';

interface Bundle {
  mediaType: string;
  dsseEnvelope?: { payload: string; payloadType: string };
  verificationMaterial: { tlogEntries: TlogEntryJson[]; timestampVerificationData?: { rfc3161Timestamps?: unknown[] } };
}
interface Statement {
  predicateType: string;
  subject: Array<{ digest: { sha256: string } }>;
}
/** cosign's legacy bundle annotation (cosign pkg/cosign/bundle RekorBundle). */
interface LegacyRekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; logIndex: number; logID: string };
}

const statementOf = (bundle: Bundle) => JSON.parse(Buffer.from(bundle.dsseEnvelope?.payload ?? '', 'base64').toString()) as Statement;

const SKIP = (COSIGN_V3 === undefined && COSIGN_V2 === undefined) || DOCKER_REGISTRY === undefined || SKOPEO === undefined;

describe.skipIf(SKIP).each(databaseEngines())('cosign image signing against sigbox up --dev on %s', (engine) => {
  let stack: InteropStack;
  let registry: OciRegistry;
  const refs = {} as Record<Image, string>;
  const repository = (image: Image) => `sigbox/${image}`;
  const digestOf = (image: Image) => refs[image].split('@')[1] as string;

  beforeAll(async () => {
    stack = await startInteropStack(engine, { name: 'cosign-image', keepRequestLog: true });
    const registryDir = path.join(stack.dir, 'registry');
    await mkdir(registryDir);
    registry = await startRegistry(DOCKER_REGISTRY as string, registryDir);
    for (const image of IMAGES) {
      const layout = path.join(stack.dir, `layout-${image}`);
      await writeOciImage(layout, 'latest', image);
      await pushImage(SKOPEO as string, layout, 'latest', `${registry.host}/${repository(image)}:latest`, stack.work);
      refs[image] = `${registry.host}/${repository(image)}@${await resolveDigest(registry.host, repository(image), 'latest')}`;
    }
  }, INTEROP_STACK_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await registry?.stop();
    await closeStack(stack);
  });

  const cosign = (binary: string | undefined, args: string[], env: Record<string, string> = {}) => stack.runClient(binary as string, args, env);
  /** Success, or a failure message with cosign's stderr and both servers' latest requests. */
  const ok = (result: ToolResult) => expectSuccess(result, stack, `\n--- registry:\n${registry.log().slice(-LOG_TAIL_CHARS)}`);
  const expectIdentity = (identity = EMAIL) => ['--certificate-identity', identity, '--certificate-oidc-issuer', stack.issuer];

  /** A SLSA v0.2 predicate in the working folder; returns its file name. */
  async function writeProvenance(): Promise<string> {
    await writeFile(path.join(stack.work, 'provenance.json'), JSON.stringify({ builder: { id: 'https://sigbox.dev/interop' }, buildType: 'https://sigbox.dev/test' }));
    return 'provenance.json';
  }

  /** The image's one referrer of `artifactType` and the Sigstore bundle it carries. */
  async function referredBundle(image: Image, artifactType = BUNDLE_V03): Promise<Bundle> {
    const found = (await referrers(registry.host, repository(image), digestOf(image))).filter((r) => r.artifactType === artifactType);
    expect(found).toHaveLength(1);
    return (await artifactLayer(registry.host, repository(image), (found[0] as Referrer).digest)) as Bundle;
  }

  /**
   * A dsse bundle whose statement names the image and `predicateType`, logged by Sigbox: cosign v3 (by the signing
   * config) in the Rekor v2 log as a hashedrekord over the envelope's PAE with a TSA timestamp, cosign v2 in the v1
   * log as a dsse entry.
   */
  async function expectAttested(bundle: Bundle, image: Image, predicateType: string): Promise<void> {
    expect(bundle.dsseEnvelope?.payloadType).toBe('application/vnd.in-toto+json');
    const statement = statementOf(bundle);
    expect(statement.predicateType).toBe(predicateType);
    expect(statement.subject.map((s) => `sha256:${s.digest.sha256}`)).toEqual([digestOf(image)]);
    if (image === 'v3') await expectLoggedV2(stack, bundle.verificationMaterial);
    else await expectLogged(stack, bundle.verificationMaterial.tlogEntries, 'dsse');
  }

  /** The image's two bundle referrers, signature and attestation; the attestation must be SLSA provenance. */
  async function expectProvenanceReferrer(image: Image): Promise<void> {
    const bundles = await Promise.all((await referrers(registry.host, repository(image), digestOf(image)))
      .map((r) => artifactLayer(registry.host, repository(image), r.digest) as Promise<Bundle>));
    expect(bundles).toHaveLength(2); // the signature and the attestation
    const provenance = bundles.filter((b) => statementOf(b).predicateType === SLSA_V02);
    expect(provenance).toHaveLength(1);
    await expectAttested(provenance[0] as Bundle, image, SLSA_V02);
  }

  describe.skipIf(COSIGN_V3 === undefined)('cosign v3 with the signing config and trusted root', () => {
    const trustArgs = () => ['--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json')];
    const verify = (ref: string, identity = EMAIL) => ['verify', '--trusted-root', stack.trustFile('trusted_root.json'), ...expectIdentity(identity), ref];

    it('signs the image by digest: a bundle referrer whose dsse statement is in the log', async () => {
      ok(await cosign(COSIGN_V3, ['sign', ...trustArgs(), '--identity-token', await stack.devToken(EMAIL), '-y', refs.v3]));
      // cosign v3 signs images as an in-toto statement with the cosign sign predicate (cmd/cosign/cli/sign/sign.go
      // `types.CosignSignPredicateType` at v3.1.2).
      await expectAttested(await referredBundle('v3'), 'v3', 'https://sigstore.dev/cosign/sign/v1');
    }, CLIENT_STEP_TIMEOUT_MS);

    it('verifies it, and refuses another identity and an unsigned image', async () => {
      const verified = await cosign(COSIGN_V3, verify(refs.v3));
      ok(verified);
      // stdout: the verified payloads, each naming the image digest it signs.
      expect(verified.stdout).toContain(digestOf('v3'));
      expectRefused(await cosign(COSIGN_V3, verify(refs.v3, 'someone@example.com')), OTHER_SAN);
      expectRefused(await cosign(COSIGN_V3, verify(refs.unsigned)), 'no signatures found', NO_SIGNATURES_EXIT);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests SLSA provenance for the image and verifies the attestation', async () => {
      ok(await cosign(COSIGN_V3, [
        'attest', ...trustArgs(), '--identity-token', await stack.devToken(EMAIL),
        '--type', 'slsaprovenance', '--predicate', await writeProvenance(), '-y', refs.v3,
      ]));
      await expectProvenanceReferrer('v3');
      const verifyAttestation = (ref: string, identity = EMAIL) => [
        'verify-attestation', '--trusted-root', stack.trustFile('trusted_root.json'), '--type', 'slsaprovenance', ...expectIdentity(identity), ref,
      ];
      ok(await cosign(COSIGN_V3, verifyAttestation(refs.v3)));
      expect((await cosign(COSIGN_V3, verifyAttestation(refs.unsigned))).code).not.toBe(0);
      expectRefused(await cosign(COSIGN_V3, verifyAttestation(refs.v3, 'someone@example.com')), OTHER_SAN);
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V2 === undefined)('cosign v2 on the legacy path', () => {
    const verify = (ref: string, identity = EMAIL) => ['verify', '--rekor-url', stack.url, ...expectIdentity(identity), ref];

    it('signs the image with URL flags: a .sig tag carrying the certificate and the SET', async () => {
      const signed = await cosign(COSIGN_V2, [
        'sign', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL), '-y', refs.v2,
      ], cosignLegacyEnv(stack));
      ok(signed);
      expect(signed.stderr).toContain('Successfully verified SCT');
      const sig = await legacySignature(registry.host, repository('v2'), digestOf('v2'));
      const rekorBundle = JSON.parse(sig.annotations[COSIGN_BUNDLE_ANNOTATION] ?? '{}') as LegacyRekorBundle;
      expect(await stack.loggedBody(rekorBundle.Payload.logIndex)).toBe(rekorBundle.Payload.body);
      const body = JSON.parse(Buffer.from(rekorBundle.Payload.body, 'base64').toString()) as { kind: string };
      expect(body.kind).toBe('hashedrekord');
      const certificate = new crypto.X509Certificate(sig.annotations[COSIGN_CERTIFICATE_ANNOTATION] ?? '');
      expect(certificate.subjectAltName).toBe(`email:${EMAIL}`);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('verifies it from the SET, and refuses another identity and an unsigned image', async () => {
      ok(await cosign(COSIGN_V2, verify(refs.v2), cosignLegacyEnv(stack)));
      // The SET in the annotation suffices: no online lookup (cosign v2 falls back to entries/retrieve).
      expect(stack.requestLog()).not.toContain('/api/v1/log/entries/retrieve');
      expectRefused(await cosign(COSIGN_V2, verify(refs.v2, 'someone@example.com'), cosignLegacyEnv(stack)), 'none of the expected identities matched', NO_MATCHING_SIGNATURES_EXIT);
      expectRefused(await cosign(COSIGN_V2, verify(refs.unsigned), cosignLegacyEnv(stack)), 'no signatures found', NO_SIGNATURES_EXIT);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests SLSA provenance: a .att tag whose dsse entry is in the log, and verifies the attestation', async () => {
      ok(await cosign(COSIGN_V2, [
        'attest', '--fulcio-url', stack.url, '--rekor-url', stack.url, '--identity-token', await stack.devToken(EMAIL),
        '--type', 'slsaprovenance', '--predicate', await writeProvenance(), '-y', refs.v2,
      ], cosignLegacyEnv(stack)));
      const att = await legacySignature(registry.host, repository('v2'), digestOf('v2'), 'att');
      const rekorBundle = JSON.parse(att.annotations[COSIGN_BUNDLE_ANNOTATION] ?? '{}') as LegacyRekorBundle;
      expect(await stack.loggedBody(rekorBundle.Payload.logIndex)).toBe(rekorBundle.Payload.body);
      const body = JSON.parse(Buffer.from(rekorBundle.Payload.body, 'base64').toString()) as { kind: string; apiVersion: string };
      expect(body).toMatchObject({ kind: 'dsse', apiVersion: '0.0.1' });
      const verifyAttestation = (ref: string, identity = EMAIL) => [
        'verify-attestation', '--rekor-url', stack.url, '--type', 'slsaprovenance', ...expectIdentity(identity), ref,
      ];
      ok(await cosign(COSIGN_V2, verifyAttestation(refs.v2), cosignLegacyEnv(stack)));
      expectRefused(await cosign(COSIGN_V2, verifyAttestation(refs.v2, 'someone@example.com'), cosignLegacyEnv(stack)), 'none of the expected identities matched');
      expect((await cosign(COSIGN_V2, verifyAttestation(refs.unsigned), cosignLegacyEnv(stack))).code).not.toBe(0);
    }, CLIENT_STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V2 === undefined)('cosign v2 with URL flags and the trusted root (new bundle format)', () => {
    /** cosign v2 reads --trusted-root only with --new-bundle-format; it then stores v0.3 bundles as referrers. */
    const trustArgs = () => ['--trusted-root', stack.trustFile('trusted_root.json'), '--new-bundle-format'];
    const signArgs = async () => ['--fulcio-url', stack.url, '--rekor-url', stack.url, ...trustArgs(), '--identity-token', await stack.devToken(EMAIL), '-y'];

    it('signs the image by digest: a bundle referrer whose entry is in the log, and verifies it', async () => {
      ok(await cosign(COSIGN_V2, ['sign', ...(await signArgs()), refs.v2bundle]));
      // cosign v2 signs images as v3 does: a dsse statement with the cosign sign predicate, in a v0.3 bundle.
      const bundle = await referredBundle('v2bundle', V2_FALLBACK_ARTIFACT_TYPE);
      expect(bundle.mediaType).toBe(BUNDLE_V03);
      await expectAttested(bundle, 'v2bundle', 'https://sigstore.dev/cosign/sign/v1');
      const verify = (ref: string, identity = EMAIL) => ['verify', ...trustArgs(), ...expectIdentity(identity), ref];
      const verified = await cosign(COSIGN_V2, verify(refs.v2bundle));
      ok(verified);
      expect(verified.stdout).toContain(digestOf('v2bundle'));
      expectRefused(await cosign(COSIGN_V2, verify(refs.v2bundle, 'someone@example.com')), OTHER_SAN);
      expect((await cosign(COSIGN_V2, verify(refs.unsigned))).code).not.toBe(0);
    }, CLIENT_STEP_TIMEOUT_MS);

    it('attests SLSA provenance for the image and verifies the attestation', async () => {
      ok(await cosign(COSIGN_V2, ['attest', ...(await signArgs()), '--type', 'slsaprovenance', '--predicate', await writeProvenance(), refs.v2bundle]));
      await expectProvenanceReferrer('v2bundle');
      const verifyAttestation = (ref: string, identity = EMAIL) => [
        'verify-attestation', ...trustArgs(), '--type', 'slsaprovenance', ...expectIdentity(identity), ref,
      ];
      ok(await cosign(COSIGN_V2, verifyAttestation(refs.v2bundle)));
      expectRefused(await cosign(COSIGN_V2, verifyAttestation(refs.v2bundle, 'someone@example.com')), OTHER_SAN);
      expect((await cosign(COSIGN_V2, verifyAttestation(refs.unsigned))).code).not.toBe(0);
    }, CLIENT_STEP_TIMEOUT_MS);
  });
});
