// Interop: the real cosign v3 and v2 against the real `sigbox up --dev`, on PGlite and, with TEST_DATABASE_URL, on
// a fresh Postgres database. Only the trust files Sigbox writes are given (trust-and-clients §5.1, §5.2): no TUF
// (TUF_ROOT is an empty folder), no --insecure-* flag. Tests run in order: verification uses the bundle signed before.
import crypto from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_TIMEOUT_MS, type ClientResult, devToken, findClient, loggedBody, runClient } from './client-fixtures.js';
import { SIGBOX_START_TIMEOUT_MS, type SigboxProcess, startSigbox } from './sigbox-process.js';

const WHY = 'keyless interop with the real client; go install github.com/sigstore/cosign/{v3,v2}/cmd/cosign and set the path';
const COSIGN_V3 = findClient('COSIGN_V3', `cosign v3.1.3: ${WHY}`);
const COSIGN_V2 = findClient('COSIGN_V2', `cosign v2.6.5: ${WHY}`);
const STEP_TIMEOUT_MS = 5 * CLIENT_TIMEOUT_MS;
const EMAIL = 'you@example.com';
/** How much of the request log a failure shows. */
const LOG_TAIL_CHARS = 4000;

interface Bundle {
  mediaType: string;
  verificationMaterial: { tlogEntries: Array<{ logIndex?: string; logId: { keyId: string }; kindVersion: { kind: string; version: string }; canonicalizedBody: string }> };
}
/** cosign v2's own blob bundle (cosign pkg/cosign LocalSignedPayload). */
interface LegacyBundle {
  base64Signature: string;
  cert: string;
  rekorBundle: { SignedEntryTimestamp: string; Payload: { body: string; logIndex: number; logID: string } };
}

describe.skipIf(COSIGN_V3 === undefined && COSIGN_V2 === undefined).each(databaseEngines())('cosign against sigbox up --dev on %s', (engine) => {
  let dir: string;
  let work: string;
  let data: string;
  let database: TestDatabase | undefined;
  let sigbox: SigboxProcess;
  let issuer: string;
  let trustedRoot: { tlogs: Array<{ logId: { keyId: string } }>; ctlogs: unknown[] };
  const trustFile = (name: string) => path.join(data, name);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-cosign-'));
    work = path.join(dir, 'work');
    data = path.join(dir, 'data');
    // HOME and an empty TUF_ROOT: cosign must find nothing of the user's, nor the public-good root.
    await Promise.all(['work', 'home', 'tuf'].map((d) => mkdir(path.join(dir, d))));
    database = engine === 'postgres' ? await createTestDatabase({ engine, migrate: false }) : undefined;
    sigbox = await startSigbox({ dataDir: data, args: ['--dev'], keepRequestLog: true, ...(database?.url ? { databaseUrl: database.url } : {}) });
    issuer = `${sigbox.url}/oidc`;
    trustedRoot = JSON.parse(await readFile(trustFile('trusted_root.json'), 'utf8')) as typeof trustedRoot;
    await writeFile(path.join(work, 'artifact'), 'hello from cosign\n');
    await writeFile(path.join(work, 'tampered'), 'hello from cosign, tampered\n');
  }, SIGBOX_START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    const code = await sigbox?.stop();
    await database?.close();
    await rm(dir, { recursive: true, force: true });
    expect(code).toBe(0); // a clean SIGTERM shutdown
  });

  const cosign = (binary: string | undefined, args: string[], env: Record<string, string> = {}) =>
    runClient(binary as string, args, { cwd: work, env: { HOME: path.join(dir, 'home'), TUF_ROOT: path.join(dir, 'tuf'), ...env } });
  /** Success, or a failure message with cosign's stderr and the server's latest requests. */
  const ok = (result: ClientResult) => expect(result, `${result.stderr}\n--- sigbox requests:\n${sigbox.stdout().slice(-LOG_TAIL_CHARS)}`).toMatchObject({ code: 0 });
  const refused = (result: ClientResult, message: string) => {
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(message);
  };
  const expectIdentity = (identity = EMAIL, oidcIssuer = issuer) => ['--certificate-identity', identity, '--certificate-oidc-issuer', oidcIssuer];
  const readBundle = async (name: string) => JSON.parse(await readFile(path.join(work, name), 'utf8')) as Bundle;

  /** The bundle's one entry: the kind asked for, logged by Sigbox's log, with the body Sigbox stores. */
  async function expectLogged(bundle: Bundle, kind: string): Promise<void> {
    const [entry, ...more] = bundle.verificationMaterial.tlogEntries;
    expect(more).toEqual([]);
    expect(entry?.kindVersion).toEqual({ kind, version: '0.0.1' });
    expect(entry?.logId.keyId).toBe(trustedRoot.tlogs[0]?.logId.keyId);
    // proto3 JSON leaves out zero values: the log's first entry has no `logIndex` field.
    expect(await loggedBody(sigbox.url, entry?.logIndex ?? '0')).toBe(entry?.canonicalizedBody);
  }

  describe.skipIf(COSIGN_V3 === undefined)('cosign v3 with the signing config and trusted root', () => {
    const verifyArgs = (bundle: string, artifact = 'artifact', trustedRootFile = trustFile('trusted_root.json')) => [
      'verify-blob', '--trusted-root', trustedRootFile, '--bundle', bundle, ...expectIdentity(), artifact,
    ];

    it('signs a blob: a v0.3 bundle whose hashedrekord entry is in the log', async () => {
      ok(await cosign(COSIGN_V3, [
        'sign-blob', '--signing-config', trustFile('signing_config.v0.2.json'), '--trusted-root', trustFile('trusted_root.json'),
        '--identity-token', await devToken(sigbox.url, EMAIL), '--bundle', 'v3.sigstore.json', '-y', 'artifact',
      ]));
      const bundle = await readBundle('v3.sigstore.json');
      expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      await expectLogged(bundle, 'hashedrekord');
      expect(sigbox.stdout()).toContain('"path":"/api/v2/signingCert","route":"/api/v2/signingCert","status":200');
    }, STEP_TIMEOUT_MS);

    it('verifies it, and refuses a tampered artifact, another identity and another issuer', async () => {
      const verified = await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json'));
      ok(verified);
      expect(verified.stderr).toContain('Verified OK');
      refused(await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json', 'tampered')), 'invalid signature');
      const otherIdentity = verifyArgs('v3.sigstore.json').map((a) => (a === EMAIL ? 'someone@example.com' : a));
      refused(await cosign(COSIGN_V3, otherIdentity), `expected SAN value "someone@example.com", got "${EMAIL}"`);
      const otherIssuer = verifyArgs('v3.sigstore.json').map((a) => (a === issuer ? 'https://accounts.example.com' : a));
      refused(await cosign(COSIGN_V3, otherIssuer), 'no matching CertificateIdentity found');
    }, STEP_TIMEOUT_MS);

    it('checks the embedded SCT: a trusted root without the CT log refuses the bundle', async () => {
      const withoutCt = path.join(work, 'trusted_root.no-ct.json');
      await writeFile(withoutCt, JSON.stringify({ ...trustedRoot, ctlogs: [] }));
      refused(await cosign(COSIGN_V3, verifyArgs('v3.sigstore.json', 'artifact', withoutCt)), 'unable to meet threshold of 1');
    }, STEP_TIMEOUT_MS);

    it('attests a blob with an in-toto predicate (a dsse entry) and verifies the attestation', async () => {
      const type = 'https://example.com/predicate/v1';
      await writeFile(path.join(work, 'predicate.json'), JSON.stringify({ builder: { id: 'sigbox-interop' } }));
      ok(await cosign(COSIGN_V3, [
        'attest-blob', '--signing-config', trustFile('signing_config.v0.2.json'), '--trusted-root', trustFile('trusted_root.json'),
        '--identity-token', await devToken(sigbox.url, EMAIL), '--predicate', 'predicate.json', '--type', type,
        '--bundle', 'attestation.sigstore.json', '-y', 'artifact',
      ]));
      await expectLogged(await readBundle('attestation.sigstore.json'), 'dsse');
      const verifyAttestation = (artifact: string) => [
        'verify-blob-attestation', '--trusted-root', trustFile('trusted_root.json'), '--bundle', 'attestation.sigstore.json',
        '--type', type, ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V3, verifyAttestation('artifact')));
      expect((await cosign(COSIGN_V3, verifyAttestation('tampered'))).code).toBe(1);
    }, STEP_TIMEOUT_MS);
  });

  describe.skipIf(COSIGN_V2 === undefined)('cosign v2', () => {
    /** The legacy path: per-key files instead of TUF (SIGSTORE_* make cosign skip TUF, trust-and-clients §5.1). */
    const legacyEnv = () => ({
      SIGSTORE_ROOT_FILE: trustFile('fulcio_v1.crt.pem'),
      SIGSTORE_REKOR_PUBLIC_KEY: trustFile('rekor.pub'),
      SIGSTORE_CT_LOG_PUBLIC_KEY_FILE: trustFile('ctfe.pub'),
    });
    const signArgs = async (bundle: string) => [
      'sign-blob', '--fulcio-url', sigbox.url, '--rekor-url', sigbox.url, '--identity-token', await devToken(sigbox.url, EMAIL),
      '--bundle', bundle, '-y', 'artifact',
    ];

    it('signs with URL flags and the trusted root (protobuf bundle) through Fulcio v1, and verifies', async () => {
      const v1Calls = () => sigbox.stdout().split('"route":"/api/v1/signingCert","status":201').length;
      const before = v1Calls();
      const signed = await cosign(COSIGN_V2, [...(await signArgs('v2.sigstore.json')), '--trusted-root', trustFile('trusted_root.json'), '--new-bundle-format']);
      ok(signed);
      expect(signed.stderr).toContain('Successfully verified SCT');
      expect(v1Calls()).toBe(before + 1);
      await expectLogged(await readBundle('v2.sigstore.json'), 'hashedrekord');

      const verify = (artifact: string, identity = EMAIL) => [
        'verify-blob', '--new-bundle-format', '--trusted-root', trustFile('trusted_root.json'), '--bundle', 'v2.sigstore.json', ...expectIdentity(identity), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact')));
      refused(await cosign(COSIGN_V2, verify('tampered')), 'invalid signature');
      refused(await cosign(COSIGN_V2, verify('artifact', 'someone@example.com')), 'expected SAN value "someone@example.com"');
    }, STEP_TIMEOUT_MS);

    it('signs on the legacy path (per-key files, cosign bundle with a SET) and verifies from its SET', async () => {
      const signed = await cosign(COSIGN_V2, await signArgs('v2.bundle'), legacyEnv());
      ok(signed);
      expect(signed.stderr).toContain('Successfully verified SCT');
      const bundle = JSON.parse(await readFile(path.join(work, 'v2.bundle'), 'utf8')) as LegacyBundle;
      const logId = Buffer.from(trustedRoot.tlogs[0]?.logId.keyId as string, 'base64').toString('hex');
      expect(bundle.rekorBundle.Payload.logID).toBe(logId);
      expect(await loggedBody(sigbox.url, bundle.rekorBundle.Payload.logIndex)).toBe(bundle.rekorBundle.Payload.body);
      const certificate = new crypto.X509Certificate(Buffer.from(bundle.cert, 'base64'));
      expect(certificate.subjectAltName).toBe(`email:${EMAIL}`);

      const verify = (artifact: string, identity = EMAIL) => ['verify-blob', '--rekor-url', sigbox.url, '--bundle', 'v2.bundle', ...expectIdentity(identity), artifact];
      ok(await cosign(COSIGN_V2, verify('artifact'), legacyEnv()));
      // The SET in the bundle suffices: no online lookup (cosign v2 falls back to POST /api/v1/log/entries/retrieve).
      expect(sigbox.stdout()).not.toContain('/api/v1/log/entries/retrieve');
      refused(await cosign(COSIGN_V2, verify('tampered'), legacyEnv()), 'matching bundle to payload');
      refused(await cosign(COSIGN_V2, verify('artifact', 'someone@example.com'), legacyEnv()), 'none of the expected identities matched');
    }, STEP_TIMEOUT_MS);

    it('verifies online when given only signature and certificate: the log is searched (entries/retrieve)', async () => {
      ok(await cosign(COSIGN_V2, [
        'sign-blob', '--fulcio-url', sigbox.url, '--rekor-url', sigbox.url, '--identity-token', await devToken(sigbox.url, EMAIL),
        '--output-signature', 'online.sig', '--output-certificate', 'online.pem', '-y', 'artifact',
      ], legacyEnv()));
      const verify = (artifact: string) => [
        'verify-blob', '--rekor-url', sigbox.url, '--signature', 'online.sig', '--certificate', 'online.pem', ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact'), legacyEnv()));
      expect(sigbox.stdout()).toContain('"route":"/api/v1/log/entries/retrieve","status":200');
      expect((await cosign(COSIGN_V2, verify('tampered'), legacyEnv())).code).toBe(1);
    }, STEP_TIMEOUT_MS);

    it('attests on the legacy path (a dsse entry) and verifies the attestation', async () => {
      const type = 'https://example.com/predicate/v1';
      await writeFile(path.join(work, 'predicate.v2.json'), JSON.stringify({ builder: { id: 'sigbox-interop' } }));
      ok(await cosign(COSIGN_V2, [
        'attest-blob', '--fulcio-url', sigbox.url, '--rekor-url', sigbox.url, '--identity-token', await devToken(sigbox.url, EMAIL),
        '--predicate', 'predicate.v2.json', '--type', type, '--bundle', 'attestation.v2.bundle', '-y', 'artifact',
      ], legacyEnv()));
      const bundle = JSON.parse(await readFile(path.join(work, 'attestation.v2.bundle'), 'utf8')) as LegacyBundle;
      const body = JSON.parse(Buffer.from(bundle.rekorBundle.Payload.body, 'base64').toString()) as { kind: string; apiVersion: string };
      expect(body).toMatchObject({ kind: 'dsse', apiVersion: '0.0.1' });
      const verify = (artifact: string) => [
        'verify-blob-attestation', '--rekor-url', sigbox.url, '--bundle', 'attestation.v2.bundle', '--type', type, ...expectIdentity(), artifact,
      ];
      ok(await cosign(COSIGN_V2, verify('artifact'), legacyEnv()));
      expect((await cosign(COSIGN_V2, verify('tampered'), legacyEnv())).code).toBe(1);
    }, STEP_TIMEOUT_MS);

    it('checks the SET on the legacy path: another key as rekor.pub refuses the bundle', async () => {
      const env = { ...legacyEnv(), SIGSTORE_REKOR_PUBLIC_KEY: trustFile('ctfe.pub') };
      refused(await cosign(COSIGN_V2, ['verify-blob', '--rekor-url', sigbox.url, '--bundle', 'v2.bundle', ...expectIdentity(), 'artifact'], env), 'rekor log public key not found');
    }, STEP_TIMEOUT_MS);
  });
});
