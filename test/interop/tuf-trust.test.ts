// Interop, the production path end to end: `sigbox init` makes every key in a SoftHSM token, `sigbox up --keys` on
// PostgreSQL (no --dev: a Fulcio config trusting a local OIDC issuer) serves the TUF repository, and each real
// client gets its trust ONLY from that mirror and the ceremony's 1.root.json: no --trusted-root, --signing-config,
// --trust-config, SIGSTORE_* variable or --insecure-* flag anywhere. cosign v3 signs, the log and the CA rotate
// (`sigbox rotate`), it signs again with the same TUF cache, and every client verifies both signatures: cosign v3,
// cosign v2 (its legacy bundles, trusting trusted_root.json; the legacy targets checked), sigstore-js (`verify()`
// over @sigstore/tuf) and sigstore-python (`--instance` after `trust-instance`). `sigbox up` refuses a wrong PIN, a
// removed token and an unknown token label. Last, the first TUF timestamp expires in real time
// (--tuf-timestamp-expiry 60) and cosign v3 still verifies: the box re-signed it. PostgreSQL pass only (one box, one
// database, about 70 s, most of it that wait). The box runs with `--signing-log v1`: the rotation here is the v1
// log's (a new shard), so every client's signatures go there; the v2 default is both-generations.test.ts's.
// Tests run in order: each uses what the ones before signed.
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type NodeProcess,
  type OidcIssuer,
  type SigboxProcess,
  type SoftHsmToken,
  type TestDatabase,
  type ToolResult,
  createSoftHsmToken,
  createTestDatabase,
  findTool,
  requirePostgres,
  runTool,
  softHsmLibrary,
  spawnSigbox,
  startOidcIssuer,
  startSigbox,
} from '@sigbox/testkit';
import { type SerializedBundle } from '@sigstore/bundle';
import { verify as sigstoreVerify } from 'sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, expectRefused } from './fixture.js';

const HAS_POSTGRES = requirePostgres('interop/tuf-trust.test.ts');
const WHY = 'trust through the TUF mirror with the real clients (.ci/run installs them)';
const COSIGN_V3 = HAS_POSTGRES ? findTool({ env: 'COSIGN_V3', why: `cosign v3.1.3: ${WHY}` }) : undefined;
const COSIGN_V2 = HAS_POSTGRES ? findTool({ env: 'COSIGN_V2', why: `cosign v2.6.5: ${WHY}` }) : undefined;
const SIGSTORE_PYTHON = HAS_POSTGRES ? findTool({ env: 'SIGSTORE_PYTHON', why: `sigstore-python 4.5.1: ${WHY}` }) : undefined;
const HSM_MODULE = HAS_POSTGRES ? softHsmLibrary() : undefined;
const READY = HAS_POSTGRES && COSIGN_V3 !== undefined && COSIGN_V2 !== undefined && SIGSTORE_PYTHON !== undefined && HSM_MODULE !== undefined;

const EMAIL = 'you@example.com';
const TOKEN_LABEL = 'sigbox';
const PIN = '4711';
/** The shortest lifetime `sigbox up` accepts: the test waits for the first one to run out. */
const TIMESTAMP_EXPIRY_SECONDS = 60;
/** `sigbox up` polls the trust history every 2 s: a rotation shows within a few polls. */
const ROTATION_WAIT_MS = 20_000;
const POLL_MS = 250;
/** sigstore-python prints through rich, which wraps at the terminal width. */
const CONSOLE_COLUMNS = '1000';

interface PublicKeyJson { rawBytes: string; keyDetails?: string }
interface ValidFor { start: string; end?: string }
interface TrustedRootJson {
  tlogs: Array<{ logId: { keyId: string }; publicKey: PublicKeyJson & { validFor: ValidFor } }>;
  certificateAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> }; validFor: ValidFor }>;
}
type CaJson = TrustedRootJson['certificateAuthorities'][number];
interface InclusionProofJson { logIndex?: string; hashes?: string[] }
interface BundleJson {
  mediaType: string;
  verificationMaterial: { certificate?: { rawBytes: string }; x509CertificateChain?: { certificates: Array<{ rawBytes: string }> }; tlogEntries: Array<{ logId: { keyId: string }; logIndex?: string; inclusionProof?: InclusionProofJson }> };
}
/** cosign v2's own blob bundle (cosign pkg/cosign LocalSignedPayload). */
interface LegacyBundle {
  cert: string;
  rekorBundle: { Payload: { logID: string } };
}
interface TufTimestamp { signed: { version: number; expires: string } }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether `condition` holds within `ms` (polled; a request's log line can trail the client's exit). */
async function until(condition: () => boolean | Promise<boolean>, ms = 2_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition()) && Date.now() < deadline) await sleep(POLL_MS);
  return condition();
}
const b64hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

/** Every file under `dir`, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The certificate the bundle carries (v0.3: `certificate`; v0.1/0.2: the chain's first). */
function bundleCertificate(bundle: BundleJson): crypto.X509Certificate {
  const material = bundle.verificationMaterial;
  const raw = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes;
  if (raw === undefined) throw new Error('bundle has no certificate');
  return new crypto.X509Certificate(Buffer.from(raw, 'base64'));
}

/** Whether `leaf` was issued and signed by the first certificate of the CA's chain (its intermediate). */
function issuedBy(leaf: crypto.X509Certificate, ca: CaJson): boolean {
  const issuer = new crypto.X509Certificate(Buffer.from(ca.certChain.certificates[0]?.rawBytes ?? '', 'base64'));
  return leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey);
}

/** The bundle with the zero values proto3 JSON leaves out written in (logIndex "0", empty proof hashes). */
function withProto3Defaults(bundle: BundleJson): BundleJson {
  const copy = structuredClone(bundle);
  for (const entry of copy.verificationMaterial.tlogEntries) {
    entry.logIndex ??= '0';
    if (entry.inclusionProof !== undefined) {
      entry.inclusionProof.logIndex ??= '0';
      entry.inclusionProof.hashes ??= [];
    }
  }
  return copy;
}

interface CachedTargets { signed: { targets: Record<string, { hashes: { sha256: string }; custom?: { sigstore?: { usage: string; status: string } } }> } }

/** The targets.json a client's TUF cache under `home` holds (verified by the client against the root it trusts). */
async function cachedTargets(home: string): Promise<CachedTargets['signed']['targets']> {
  const files = (await filesUnder(home)).filter((f) => path.basename(f) === 'targets.json');
  if (files.length !== 1) throw new Error(`TUF cache under ${home}: ${files.length} targets.json files`);
  return (JSON.parse(await readFile(files[0] as string, 'utf8')) as CachedTargets).signed.targets;
}

/** The log ID of a PEM public key: SHA-256 of its DER SubjectPublicKeyInfo, hex. */
function pemLogId(pem: string): string {
  return crypto.createHash('sha256').update(crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');
}

/** A `sigbox` command run to its end. */
async function sigboxCommand(args: readonly string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc: NodeProcess = spawnSigbox(args, { keepStdout: true, env });
  const code = await proc.exited();
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

describe.skipIf(!READY)('trust through the TUF mirror: sigbox init on SoftHSM, up on PostgreSQL, rotations, every client', () => {
  let dir: string;
  let keys: string;
  let data: string;
  let work: string;
  let fulcioConfig: string;
  let token: SoftHsmToken;
  let idp: OidcIssuer;
  let database: TestDatabase;
  let sigbox: SigboxProcess;
  let url: string;
  let mirror: string;
  let rootJson: string;
  let firstTimestamp: TufTimestamp['signed'];
  /** Each client's own HOME (and TUF_ROOT / caches inside it): they share nothing but the mirror. */
  const homes: Record<'cosign3' | 'cosign2' | 'python' | 'js', string> = { cosign3: '', cosign2: '', python: '', js: '' };
  const timings: Record<string, number> = {};

  const hsmEnv = () => ({ SIGBOX_HSM_PIN: PIN, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF });
  const clientEnv = (home: string) => ({
    // Nothing of the caller's: no SIGSTORE_*, TUF_*, COSIGN_* can reach a client.
    PATH: process.env.PATH ?? '',
    HOME: home,
    TUF_ROOT: path.join(home, '.sigstore', 'root'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    COLUMNS: CONSOLE_COLUMNS,
  });
  const run = (binary: string | undefined, home: string, args: string[]) => runTool(binary as string, args, { cwd: work, env: clientEnv(home) });
  const ok = (result: ToolResult, what: string) => {
    expect(result, `${what}: ${result.stderr}\n--- sigbox stderr:\n${sigbox?.stderr().slice(-3000)}`).toMatchObject({ code: 0 });
    return result;
  };
  const idToken = () => idp.issueToken({ email: EMAIL, email_verified: true, sub: EMAIL });
  const identity = () => ['--certificate-identity', EMAIL, '--certificate-oidc-issuer', idp.url];
  const readJson = async <T>(file: string) => JSON.parse(await readFile(path.join(work, file), 'utf8')) as T;
  const getJson = async <T>(route: string) => {
    const res = await fetch(`${url}${route}`);
    expect(res.status, route).toBe(200);
    return (await res.json()) as T;
  };
  /** The trusted_root.json the TUF repository publishes now: timestamp → snapshot → targets → the target by hash. */
  const publishedTrustedRoot = async (): Promise<TrustedRootJson> => {
    const timestamp = await getJson<{ signed: { meta: Record<string, { version: number }> } }>('/tuf/timestamp.json');
    const snapshot = await getJson<{ signed: { meta: Record<string, { version: number }> } }>(`/tuf/${timestamp.signed.meta['snapshot.json']?.version}.snapshot.json`);
    const targets = await getJson<{ signed: { targets: Record<string, { hashes: { sha256: string } }> } }>(`/tuf/${snapshot.signed.meta['targets.json']?.version}.targets.json`);
    return getJson<TrustedRootJson>(`/tuf/targets/${targets.signed.targets['trusted_root.json']?.hashes.sha256}.trusted_root.json`);
  };
  /** GET /tuf/timestamp.json requests the box has logged so far. */
  const tufTimestampRequests = () => sigbox.stdout().split('"path":"/tuf/timestamp.json"').length - 1;
  /** No file the ceremony, a rotation or the box wrote holds a private key in clear: they are all in the token. */
  const expectNoPrivateKey = async () => {
    for (const file of [...(await filesUnder(keys)), ...(await filesUnder(data))]) {
      expect(await readFile(file, 'latin1'), file).not.toMatch(/PRIVATE KEY/);
    }
  };

  beforeAll(async () => {
    const started = performance.now();
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-tuf-trust-'));
    [keys, data, work] = ['keys', 'data', 'work'].map((d) => path.join(dir, d)) as [string, string, string];
    await mkdir(work);
    for (const name of Object.keys(homes) as Array<keyof typeof homes>) {
      homes[name] = path.join(dir, `home-${name}`);
      await mkdir(homes[name]);
    }
    await writeFile(path.join(work, 'artifact'), 'hello through the TUF mirror\n');
    await writeFile(path.join(work, 'tampered'), 'hello through the TUF mirror, tampered\n');
    // SOFTHSM2_CONF is set in this process by createSoftHsmToken; each sigbox child is given it explicitly too.
    token = await createSoftHsmToken(HSM_MODULE as string, { label: TOKEN_LABEL, pin: PIN });
    // RS256: cosign takes --identity-token as a token only if it parses as an RS256 JWS, else as a file name
    // (as the development issuer notes, packages/server/src/dev-issuer/dev-issuer.ts).
    idp = await startOidcIssuer({ algorithms: ['RS256'], defaultClaims: { email: EMAIL, email_verified: true } });
    fulcioConfig = path.join(dir, 'fulcio-config.json');
    await writeFile(fulcioConfig, JSON.stringify({ OIDCIssuers: { [idp.url]: { IssuerURL: idp.url, ClientID: 'sigstore', Type: 'email' } } }));

    const init = await sigboxCommand(['init', '--keys', keys, '--hsm-module', HSM_MODULE as string, '--hsm-token', TOKEN_LABEL, '--ca-algorithm', 'ecdsa-p256'], hsmEnv());
    expect(init.code, init.stderr).toBe(0);
    rootJson = path.join(keys, 'tuf', '1.root.json');
    timings.init = Math.round(performance.now() - started);

    database = await createTestDatabase({ engine: 'postgres', migrate: false });
    sigbox = await startSigbox({
      dataDir: data,
      databaseUrl: database.url as string,
      host: '127.0.0.1',
      args: ['--keys', keys, '--fulcio-config', fulcioConfig, '--tuf-timestamp-expiry', String(TIMESTAMP_EXPIRY_SECONDS), '--signing-log', 'v1'],
      env: hsmEnv(),
      keepStdout: true,
    });
    url = sigbox.url;
    mirror = `${url}/tuf`;
    firstTimestamp = (await getJson<TufTimestamp>('/tuf/timestamp.json')).signed;
    timings.start = Math.round(performance.now() - started);
  }, 120_000);

  afterAll(async () => {
    const code = await sigbox?.stop();
    await database?.close();
    await idp?.close();
    token?.remove();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    console.info(`tuf-trust timings (ms): ${JSON.stringify(timings)}`);
    expect(code).toBe(0);
  });

  it('init kept every private key in the token: no PRIVATE KEY block in any file of the keys or data folder', async () => {
    const files = await filesUnder(keys);
    expect(files.map((f) => path.relative(keys, f))).toEqual(expect.arrayContaining(['keyring.json', path.join('tuf', '1.root.json')]));
    const keyring = JSON.parse(await readFile(path.join(keys, 'keyring.json'), 'utf8')) as { hsm?: { tokenLabel: string } };
    expect(keyring.hsm?.tokenLabel).toBe(TOKEN_LABEL);
    await expectNoPrivateKey();
  });

  it('cosign v3 and v2 initialize from the mirror; v3 signs bundle A, v2 signs on its legacy path, both verify', async () => {
    const started = performance.now();
    for (const [binary, home] of [[COSIGN_V3, homes.cosign3], [COSIGN_V2, homes.cosign2]] as const) {
      ok(await run(binary, home, ['initialize', '--mirror', mirror, '--root', rootJson]), 'cosign initialize');
    }
    ok(await run(COSIGN_V3, homes.cosign3, ['sign-blob', '--identity-token', idToken(), '--bundle', 'a.sigstore.json', '-y', 'artifact']), 'cosign v3 sign-blob A');
    const verified = ok(await run(COSIGN_V3, homes.cosign3, ['verify-blob', '--bundle', 'a.sigstore.json', ...identity(), 'artifact']), 'cosign v3 verify-blob A');
    expect(verified.stderr).toContain('Verified OK');
    const root = await publishedTrustedRoot();
    const a = await readJson<BundleJson>('a.sigstore.json');
    expect(a.verificationMaterial.tlogEntries[0]?.logId.keyId).toBe(root.tlogs[0]?.logId.keyId);

    // cosign v2's default path: Fulcio v1 and Rekor by URL flags (no trust in them), a cosign bundle with a SET.
    const legacySign = ['sign-blob', '--fulcio-url', url, '--rekor-url', url, '--identity-token', idToken(), '-y'];
    const signed = ok(await run(COSIGN_V2, homes.cosign2, [...legacySign, '--bundle', 'v2-before.bundle', 'artifact']), 'cosign v2 sign-blob (legacy)');
    expect(signed.stderr).toContain('Successfully verified SCT');
    ok(await run(COSIGN_V2, homes.cosign2, ['verify-blob', '--rekor-url', url, '--bundle', 'v2-before.bundle', ...identity(), 'artifact']), 'cosign v2 verify-blob (legacy)');
    timings.signBeforeRotation = Math.round(performance.now() - started);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('sigbox rotate log and ca (new keys in the token): the box switches to a new shard and a new CA and publishes them through TUF within seconds', async () => {
    const started = performance.now();
    for (const role of ['log', 'ca']) {
      const rotated = await sigboxCommand(['rotate', role, '--keys', keys, '--database-url', database.url as string], hsmEnv());
      expect(rotated.code, rotated.stderr).toBe(0);
    }
    // Switched when the log has a frozen shard and the trusted root published through TUF lists both CAs and both
    // Rekor v1 keys, the old ones with an end (beside them the Rekor v2 log's Ed25519 key, which `rotate log` does
    // not touch).
    const switched = async () => {
      const log = await getJson<{ inactiveShards?: unknown[] }>('/api/v1/log');
      const root = await publishedTrustedRoot();
      const v1Logs = root.tlogs.filter((t) => t.publicKey.keyDetails !== 'PKIX_ED25519');
      // The box ends the old CA's and the old shard's windows only after it has switched (mount.ts), so a root
      // listing both may still show them open-ended: switched once each has exactly one key with an end.
      const ended = (list: Array<{ validFor: ValidFor }>) => list.filter((k) => k.validFor.end !== undefined).length;
      return (
        (log.inactiveShards?.length ?? 0) === 1 &&
        root.certificateAuthorities.length === 2 &&
        ended(root.certificateAuthorities) === 1 &&
        v1Logs.length === 2 &&
        ended(v1Logs.map((t) => t.publicKey)) === 1 &&
        root.tlogs.length === 3
      );
    };
    expect(await until(switched, ROTATION_WAIT_MS)).toBe(true);
    await expectNoPrivateKey();
    timings.rotationVisible = Math.round(performance.now() - started);
  }, ROTATION_WAIT_MS + 30_000);

  it('cosign v3 signs bundle B with the same TUF cache (no new initialize), under the new log ID and the new CA; A and B verify', async () => {
    const started = performance.now();
    const fetchedTimestamps = tufTimestampRequests();
    ok(await run(COSIGN_V3, homes.cosign3, ['sign-blob', '--identity-token', idToken(), '--bundle', 'b.sigstore.json', '-y', 'artifact']), 'cosign v3 sign-blob B');
    // It asked the mirror: the new trust reached it through TUF, not from a file.
    expect(await until(() => tufTimestampRequests() > fetchedTimestamps)).toBe(true);
    for (const bundle of ['a.sigstore.json', 'b.sigstore.json']) {
      const verified = ok(await run(COSIGN_V3, homes.cosign3, ['verify-blob', '--bundle', bundle, ...identity(), 'artifact']), `cosign v3 verify-blob ${bundle}`);
      expect(verified.stderr).toContain('Verified OK');
    }
    expect((await run(COSIGN_V3, homes.cosign3, ['verify-blob', '--bundle', 'b.sigstore.json', ...identity(), 'tampered'])).code).toBe(1);

    const root = await publishedTrustedRoot();
    const current = (validFor: ValidFor) => validFor.end === undefined;
    const [oldLog, newLog] = [root.tlogs.find((t) => !current(t.publicKey.validFor)), root.tlogs.find((t) => current(t.publicKey.validFor))];
    const [oldCa, newCa] = [root.certificateAuthorities.find((c) => !current(c.validFor)), root.certificateAuthorities.find((c) => current(c.validFor))];
    const [a, b] = [await readJson<BundleJson>('a.sigstore.json'), await readJson<BundleJson>('b.sigstore.json')];
    expect(a.verificationMaterial.tlogEntries[0]?.logId.keyId).toBe(oldLog?.logId.keyId);
    expect(b.verificationMaterial.tlogEntries[0]?.logId.keyId).toBe(newLog?.logId.keyId);
    expect(newLog?.logId.keyId).not.toBe(oldLog?.logId.keyId);
    expect(issuedBy(bundleCertificate(a), oldCa as CaJson)).toBe(true);
    expect(issuedBy(bundleCertificate(b), newCa as CaJson)).toBe(true);
    expect(issuedBy(bundleCertificate(b), oldCa as CaJson)).toBe(false);
    timings.cosignV3AfterRotation = Math.round(performance.now() - started);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('cosign v2 signs and verifies on its legacy bundle path across the rotation, trusting trusted_root.json from the mirror; the legacy targets follow the rotation', async () => {
    const started = performance.now();
    const legacySign = ['sign-blob', '--fulcio-url', url, '--rekor-url', url, '--identity-token', idToken(), '-y'];
    const at = sigbox.stdout().length;
    ok(await run(COSIGN_V2, homes.cosign2, [...legacySign, '--bundle', 'v2-after.bundle', 'artifact']), 'cosign v2 sign-blob (legacy) after the rotation');
    const root = await publishedTrustedRoot();
    const [before, after] = [await readJson<LegacyBundle>('v2-before.bundle'), await readJson<LegacyBundle>('v2-after.bundle')];
    expect(before.rekorBundle.Payload.logID).not.toBe(after.rekorBundle.Payload.logID);
    expect(root.tlogs.map((t) => b64hex(t.logId.keyId))).toEqual(expect.arrayContaining([before.rekorBundle.Payload.logID, after.rekorBundle.Payload.logID]));
    for (const bundle of ['v2-before.bundle', 'v2-after.bundle']) {
      ok(await run(COSIGN_V2, homes.cosign2, ['verify-blob', '--rekor-url', url, '--bundle', bundle, ...identity(), 'artifact']), `cosign v2 verify-blob ${bundle}`);
    }
    expectRefused(await run(COSIGN_V2, homes.cosign2, ['verify-blob', '--rekor-url', url, '--bundle', 'v2-after.bundle', ...identity(), 'tampered']), 'matching bundle to payload');
    for (const bundle of ['a.sigstore.json', 'b.sigstore.json']) {
      ok(await run(COSIGN_V2, homes.cosign2, ['verify-blob', '--new-bundle-format', '--bundle', bundle, ...identity(), 'artifact']), `cosign v2 verify-blob ${bundle}`);
    }
    // cosign v2.6.5 refreshed through TUF and took trusted_root.json, even on its legacy bundle path: with that
    // target present it never downloads the legacy PEM targets (they serve sigstore/sigstore pkg/tuf readers:
    // older cosign v2, Kyverno, policy-controller).
    const requested = sigbox.stdout().slice(at);
    expect(requested).toMatch(/"path":"\/tuf\/targets\/[0-9a-f]{64}\.trusted_root\.json"/);
    expect(requested).not.toMatch(/"path":"\/tuf\/targets\/[^"]*\.(pub|pem)"/);
    // The targets it verified list the legacy ones: the active three, and the retired Rekor key and CA as Expired,
    // each with the key of its side of the rotation.
    const targets = await cachedTargets(homes.cosign2);
    const legacy = Object.entries(targets).flatMap(([name, t]) => (t.custom?.sigstore === undefined ? [] : [{ name, sha256: t.hashes.sha256, ...t.custom.sigstore }]));
    expect(legacy.filter((t) => t.status === 'Active').map((t) => `${t.usage} ${t.name}`).sort()).toEqual(['CTFE ctfe.pub', 'Fulcio fulcio_v1.crt.pem', 'Rekor rekor.pub']);
    expect(legacy.filter((t) => t.status === 'Expired').map((t) => t.usage).sort()).toEqual(['Fulcio', 'Rekor']);
    const rekorKey = async (status: string) => {
      const target = legacy.find((t) => t.usage === 'Rekor' && t.status === status);
      const res = await fetch(`${mirror}/targets/${target?.sha256}.${target?.name}`);
      expect(res.status).toBe(200);
      return pemLogId(await res.text());
    };
    expect(await rekorKey('Active')).toBe(after.rekorBundle.Payload.logID);
    expect(await rekorKey('Expired')).toBe(before.rekorBundle.Payload.logID);
    timings.cosignV2 = Math.round(performance.now() - started);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('sigstore-js verify() fetches trusted_root.json through the mirror and verifies A and B', async () => {
    const started = performance.now();
    const artifact = await readFile(path.join(work, 'artifact'));
    const options = {
      tufMirrorURL: mirror,
      tufRootPath: rootJson,
      tufCachePath: path.join(homes.js, 'tuf'),
      certificateIdentityEmail: EMAIL,
      certificateIssuer: idp.url,
    };
    for (const name of ['a.sigstore.json', 'b.sigstore.json']) {
      const signer = await sigstoreVerify(await readJson<SerializedBundle>(name), artifact, options);
      expect(signer.identity?.subjectAlternativeName, name).toBe(EMAIL);
    }
    await expect(sigstoreVerify(await readJson<SerializedBundle>('b.sigstore.json'), Buffer.from('tampered'), options)).rejects.toThrow();
    expect((await filesUnder(homes.js)).map((f) => path.basename(f))).toEqual(expect.arrayContaining(['timestamp.json', 'trusted_root.json']));
    timings.sigstoreJs = Math.round(performance.now() - started);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('sigstore-python trusts the instance once, then signs and verifies with --instance only, and verifies A and B', async () => {
    const started = performance.now();
    const python = (args: string[]) => run(SIGSTORE_PYTHON, homes.python, ['--instance', mirror, ...args]);
    const verifyIdentity = (bundle: string) => ['verify', 'identity', '--bundle', bundle, '--cert-identity', EMAIL, '--cert-oidc-issuer', idp.url, 'artifact'];
    ok(await python(['trust-instance', rootJson]), 'sigstore trust-instance');
    ok(await python(['sign', '--identity-token', idToken(), '--bundle', 'python.sigstore.json', 'artifact']), 'sigstore sign');
    const root = await publishedTrustedRoot();
    const signed = await readJson<BundleJson>('python.sigstore.json');
    expect(signed.verificationMaterial.tlogEntries[0]?.logId.keyId).toBe(root.tlogs.find((t) => t.publicKey.validFor.end === undefined)?.logId.keyId);

    // A and B are each the first entry of their shard: index 0 in a tree of one, so cosign's proto3 JSON leaves out
    // `logIndex` (0) and the empty `hashes`, which sigstore-python's bundle model requires (the same gap
    // sigstore-rust closed in sigstore/sigstore-rust#82). Filled in with their proto3 defaults, they verify.
    const [a, b] = [await readJson<BundleJson>('a.sigstore.json'), await readJson<BundleJson>('b.sigstore.json')];
    const [entryA, entryB] = [a.verificationMaterial.tlogEntries[0], b.verificationMaterial.tlogEntries[0]];
    const fields = (o: object | undefined) => Object.keys(o ?? {}).sort();
    expect(fields(entryA)).not.toContain('logIndex');
    expect(fields(entryA?.inclusionProof)).toEqual(['checkpoint', 'rootHash', 'treeSize']);
    // B's entry has its global index (the log's third: A and cosign v2's), its proof the new shard's index 0.
    expect(entryB?.logIndex).toBe('2');
    expect(fields(entryB?.inclusionProof)).toEqual(['checkpoint', 'rootHash', 'treeSize']);
    for (const bundle of ['a.sigstore.json', 'b.sigstore.json']) {
      expectRefused(await python(verifyIdentity(bundle)), 'Field required');
      await writeFile(path.join(work, `filled.${bundle}`), JSON.stringify(withProto3Defaults(await readJson<BundleJson>(bundle))));
    }
    for (const bundle of ['python.sigstore.json', 'filled.a.sigstore.json', 'filled.b.sigstore.json']) {
      const verified = ok(await python(verifyIdentity(bundle)), `sigstore verify ${bundle}`);
      expect(verified.stderr).toContain('OK: artifact');
    }
    expect((await python([...verifyIdentity('python.sigstore.json').slice(0, -1), 'tampered'])).code).toBe(1);
    // cosign v3 verifies what sigstore-python signed, from its own TUF cache.
    ok(await run(COSIGN_V3, homes.cosign3, ['verify-blob', '--bundle', 'python.sigstore.json', ...identity(), 'artifact']), 'cosign v3 verify-blob python');
    timings.sigstorePython = Math.round(performance.now() - started);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('sigbox up refuses a wrong PIN, a removed token and an unknown token label: one line, non-zero, no data folder', async () => {
    const refused = async (name: string, keysDir: string, env: Record<string, string | undefined>) => {
      const folder = path.join(dir, `data-${name}`);
      const up = await sigboxCommand(['up', '--port', '0', '--host', '127.0.0.1', '--data', folder, '--keys', keysDir, '--database-url', database.url as string, '--fulcio-config', fulcioConfig], env);
      expect(up.code, `${name}: ${up.stderr}`).not.toBe(0);
      expect(up.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(existsSync(folder), `${name}: data folder`).toBe(false);
      return up.stderr.trim();
    };
    const wrongPin = await refused('wrong-pin', keys, { ...hsmEnv(), SIGBOX_HSM_PIN: '0000' });
    expect(wrongPin).toMatch(/PIN/i);

    const emptyTokens = path.join(dir, 'no-token');
    await mkdir(path.join(emptyTokens, 'tokens'), { recursive: true });
    await writeFile(path.join(emptyTokens, 'softhsm2.conf'), `directories.tokendir = ${path.join(emptyTokens, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
    const removed = await refused('removed', keys, { ...hsmEnv(), SOFTHSM2_CONF: path.join(emptyTokens, 'softhsm2.conf') });
    expect(removed).toContain(TOKEN_LABEL);

    const otherKeys = path.join(dir, 'keys-other-label');
    await cp(keys, otherKeys, { recursive: true });
    const keyring = JSON.parse(await readFile(path.join(otherKeys, 'keyring.json'), 'utf8')) as { hsm: { tokenLabel: string } };
    keyring.hsm.tokenLabel = 'no-such-token';
    await writeFile(path.join(otherKeys, 'keyring.json'), JSON.stringify(keyring));
    expect(await refused('unknown-label', otherKeys, hsmEnv())).toContain('no-such-token');
  }, CLIENT_STEP_TIMEOUT_MS);

  it('the first TUF timestamp expires in real time, and cosign v3 still verifies with the same cache: the box re-signed it in time', async () => {
    const [cachedFile] = (await filesUnder(homes.cosign3)).filter((f) => path.basename(f) === 'timestamp.json');
    const held = () => readFile(cachedFile as string, 'utf8').then((t) => (JSON.parse(t) as TufTimestamp).signed);
    const before = await held();
    const wait = Math.max(Date.parse(firstTimestamp.expires), Date.parse(before.expires)) + 1_000 - Date.now();
    timings.expiryWait = Math.max(0, Math.round(wait));
    if (wait > 0) await sleep(wait);
    const served = (await getJson<TufTimestamp>('/tuf/timestamp.json')).signed;
    expect(served.version).toBeGreaterThan(before.version);
    expect(Date.parse(served.expires)).toBeGreaterThan(Date.now());
    for (const bundle of ['a.sigstore.json', 'b.sigstore.json']) {
      ok(await run(COSIGN_V3, homes.cosign3, ['verify-blob', '--bundle', bundle, ...identity(), 'artifact']), `cosign v3 verify-blob ${bundle} after expiry`);
    }
    // What cosign holds now is a later timestamp, not expired.
    const after = await held();
    expect(after.version).toBeGreaterThan(before.version);
    expect(Date.parse(after.expires)).toBeGreaterThan(Date.now());
  }, TIMESTAMP_EXPIRY_SECONDS * 1000 + CLIENT_STEP_TIMEOUT_MS);
});
