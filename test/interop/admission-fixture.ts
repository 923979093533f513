/**
 * The admission suite's world, built once: the real `sigbox up` on PostgreSQL (no --dev: `sigbox init` keys, so it
 * serves a TUF repository) trusting the testkit OIDC issuer as a GitHub Actions issuer, a real registry
 * (docker-registry, filled with skopeo) and images signed by the real cosign in every format the integrators read:
 *
 * | format | signed by | where the signature lives | log |
 * | --- | --- | --- | --- |
 * | `v2` | cosign v2.6.5, URL flags | legacy `sha256-<hex>.sig` / `.att` tags, Rekor bundle annotation | Rekor v1 |
 * | `v3` | cosign v3.1.3, a signing config listing only the v1 log | Sigstore bundle referrers (fallback tag) | Rekor v1 |
 * | `v3r2` | cosign v3.1.3, the box's own signing config | Sigstore bundle referrers, RFC 3161 timestamp | Rekor v2 |
 *
 * and per format three images: `accepted` (the accepted workflow signs and attests SLSA provenance),
 * `unattested` (it signs only) and `other` (another ref of the same workflow signs and attests), plus one
 * `unsigned` image. Each image is signed once, the images in parallel.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type InteropStack, type OidcIssuer, type ToolResult, startInteropStack, startOidcIssuer } from '@sigbox/testkit';
import { cosignLegacyEnv } from './fixture.js';
import { githubClaims, type Signer } from './admission-identities.js';
import { type OciRegistry, pushImage, resolveDigest, startRegistry, writeOciImage } from './oci-registry.js';

export const FORMATS = ['v2', 'v3', 'v3r2'] as const;
export type Format = (typeof FORMATS)[number];
export const CASES = ['accepted', 'unattested', 'other'] as const;
export type Case = (typeof CASES)[number];
export type ImageName = `${Format}-${Case}` | 'unsigned';
export const IMAGE_NAMES: readonly ImageName[] = [...FORMATS.flatMap((f) => CASES.map((c) => `${f}-${c}` as const)), 'unsigned'];

/** The organisation every test image is under: the policy's scope is `<registry>/myorg/**`. */
export const IMAGE_ORG = 'myorg';
/** The predicate type `cosign attest --type slsaprovenance` writes (cosign pkg/cosign/attestation: SLSA v0.2). */
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
/** The build type the accepted predicate carries; the policy's attestation condition requires it. */
export const BUILD_TYPE = 'https://sigbox.dev/admission/release@v1';

export interface Tools {
  cosignV2: string;
  cosignV3: string;
  dockerRegistry: string;
  skopeo: string;
}

export interface AdmissionFixture {
  readonly stack: InteropStack;
  readonly idp: OidcIssuer;
  readonly registry: OciRegistry;
  /** The ceremony's first TUF root (`sigbox init`), what a client is given out of band with the mirror URL. */
  readonly tufRoot1: string;
  /** `IMAGE@sha256:…` per image. */
  readonly refs: Readonly<Record<ImageName, string>>;
  /** The box's signing config without the Rekor v2 log (what cosign v3 signed the `v3` images with). */
  readonly v1SigningConfig: string;
  /** Milliseconds per phase, for the suite's timing line. */
  readonly timings: Readonly<Record<string, number>>;
  close(): Promise<number | null>;
}

interface ServiceJson { url: string; majorApiVersion?: number }
interface SigningConfigJson { rekorTlogUrls: ServiceJson[]; [field: string]: unknown }

/** Runs cosign; throws with its stderr unless it exits 0 (the fixture must not build on a failed signing). */
async function mustRun(stack: InteropStack, binary: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  const result: ToolResult = await stack.runClient(binary, args, env);
  if (result.code !== 0) throw new Error(`${path.basename(binary)} ${args[0]} → ${result.code}\n${result.stderr}\n--- sigbox:\n${stack.requestLog(3000)}`);
}

export async function startAdmissionFixture(tools: Tools): Promise<AdmissionFixture> {
  const timings: Record<string, number> = {};
  const started = performance.now();
  const mark = (name: string) => (timings[name] = Math.round(performance.now() - started));
  // RS256: cosign takes --identity-token as a token only if it parses as an RS256 JWS, else as a file name.
  const idp = await startOidcIssuer({ algorithms: ['RS256'], defaultClaims: {} });
  let stack: InteropStack | undefined;
  let registry: OciRegistry | undefined;
  let configDir: string | undefined;
  const close = async () => {
    await registry?.stop();
    const code = (await stack?.close()) ?? null;
    await idp.close();
    if (configDir !== undefined) await rm(configDir, { recursive: true, force: true });
    return code;
  };
  try {
    // Written before the stack (and its folder) exists; `sigbox up` reads it at start only.
    configDir = await mkdtemp(path.join(tmpdir(), 'sigbox-admission-fulcio-'));
    const fulcioConfig = path.join(configDir, 'fulcio-config.json');
    // Fulcio's `github-workflow` type (fulcio pkg/config): certificates carry the GitHub SAN and extensions 1.2-1.22.
    await writeFile(fulcioConfig, JSON.stringify({ OIDCIssuers: { [idp.url]: { IssuerURL: idp.url, ClientID: 'sigstore', Type: 'github-workflow' } } }));
    const s = (stack = await startInteropStack('postgres', { name: 'admission', dev: false, keepRequestLog: true, args: ['--fulcio-config', fulcioConfig] }));
    mark('box');
    const registryDir = path.join(s.dir, 'registry');
    await mkdir(registryDir);
    const host = (registry = await startRegistry(tools.dockerRegistry, registryDir)).host;
    const refs = {} as Record<ImageName, string>;
    await Promise.all(IMAGE_NAMES.map(async (name) => {
      const layout = path.join(s.dir, `layout-${name}`);
      const repository = `${IMAGE_ORG}/${name}`;
      await writeOciImage(layout, 'latest', name);
      await pushImage(tools.skopeo, layout, 'latest', `${host}/${repository}:latest`, s.work);
      refs[name] = `${host}/${repository}@${await resolveDigest(host, repository, 'latest')}`;
    }));
    mark('pushed');

    const boxConfig = JSON.parse(await readFile(s.trustFile('signing_config.v0.2.json'), 'utf8')) as SigningConfigJson;
    const v1SigningConfig = path.join(s.work, 'signing_config.v1-only.json');
    await writeFile(v1SigningConfig, JSON.stringify({ ...boxConfig, rekorTlogUrls: boxConfig.rekorTlogUrls.filter((s) => (s.majorApiVersion ?? 1) === 1) }));
    const provenance = path.join(s.work, 'provenance.json');
    await writeFile(provenance, JSON.stringify({ builder: { id: 'https://github.com/myorg/app/.github/workflows/release.yml@refs/heads/main' }, buildType: BUILD_TYPE }));

    const token = (signer: Signer) => idp.issueToken(githubClaims(signer));
    const signImage = async (format: Format, signer: Signer, attest: boolean, ref: string) => {
      const v3Trust = ['--signing-config', format === 'v3' ? v1SigningConfig : s.trustFile('signing_config.v0.2.json'), '--trusted-root', s.trustFile('trusted_root.json')];
      const [binary, flags, env] = format === 'v2'
        ? [tools.cosignV2, ['--fulcio-url', s.url, '--rekor-url', s.url], cosignLegacyEnv(s)]
        : [tools.cosignV3, v3Trust, {}];
      await mustRun(s, binary, ['sign', ...flags, '--identity-token', token(signer), '-y', ref], env);
      // After the signature, not beside it: both update the image's one referrers fallback tag.
      if (attest) await mustRun(s, binary, ['attest', ...flags, '--identity-token', token(signer), '--type', 'slsaprovenance', '--predicate', provenance, '-y', ref], env);
    };
    await Promise.all(FORMATS.flatMap((format) => [
      signImage(format, 'accepted', true, refs[`${format}-accepted`]),
      signImage(format, 'accepted', false, refs[`${format}-unattested`]),
      signImage(format, 'other', true, refs[`${format}-other`]),
    ]));
    mark('signed');
    // startSigbox made the keyring with `sigbox init` beside the data folder (`<data>-keys`, testkit
    // ensureTestKeyring): its tuf/1.root.json is the root a client is given out of band.
    const tufRoot1 = path.join(`${path.join(s.dir, 'data')}-keys`, 'tuf', '1.root.json');
    return { stack: s, idp, registry, tufRoot1, refs, v1SigningConfig, timings, close };
  } catch (error) {
    await close();
    throw error;
  }
}
