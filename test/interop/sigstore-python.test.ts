// Interop: the real sigstore-python 4.x CLI against the real `sigbox up --dev`, on PGlite and, with
// TEST_DATABASE_URL, on a fresh Postgres database. Trust comes only from the trust_config.json (ClientTrustConfig)
// Sigbox writes, via the global `--trust-config` (sigstore/_cli.py at v4.5.0): HOME and the XDG folders are empty
// temporary folders, so the public-good TUF repository is never consulted. The box runs with `--signing-log v1`
// (the v1 log's path; both-generations.test.ts takes the v2 default). Tests run in order: verification uses what
// was signed before.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { INTEROP_STACK_START_TIMEOUT_MS, type InteropStack, type ToolResult, databaseEngines, findTool, startInteropStack } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_STEP_TIMEOUT_MS, type TlogEntryJson, closeStack, expectLogged, expectRefused, expectSuccess } from './fixture.js';

const SIGSTORE_PYTHON = findTool({
  env: 'SIGSTORE_PYTHON',
  why: 'sigstore-python 4.5.1: pip install sigstore==4.5.1 into a virtual environment and set the path of its bin/sigstore',
});
/** Optional: cross-checks bundles between cosign v3 and sigstore-python when both are present. */
const COSIGN_V3 = process.env.COSIGN_V3 || undefined;
const EMAIL = 'you@example.com';
/** How long a request's log line may trail the client's exit (it crosses a pipe), and how often to look. */
const REQUEST_LOG_WAIT_MS = 2_000;
const REQUEST_LOG_POLL_MS = 50;
/** sigstore-python prints through rich, which wraps at the terminal width: wide enough to keep a message on one line. */
const CONSOLE_COLUMNS = '1000';
/** Port 9 (discard) on the loopback: nothing listens there, so any request to it fails at once. */
const UNREACHABLE_URL = 'http://127.0.0.1:9';
/** The only predicate types `sigstore attest` accepts (sigstore-python `_cli.py`, `--predicate-type`). */
const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

interface Bundle {
  mediaType: string;
  verificationMaterial: { tlogEntries: TlogEntryJson[] };
}
interface PublicKey { rawBytes: string; keyDetails: string }
interface TrustConfig {
  mediaType: string;
  trustedRoot: { tlogs: Array<{ logId: { keyId: string }; publicKey: PublicKey }>; ctlogs: Array<{ publicKey: PublicKey }> };
}

describe.skipIf(SIGSTORE_PYTHON === undefined).each(databaseEngines())('sigstore-python against sigbox up --dev on %s', (engine) => {
  let stack: InteropStack;
  let trustConfig: TrustConfig;

  beforeAll(async () => {
    stack = await startInteropStack(engine, { name: 'sigstore-python', keepRequestLog: true, args: ['--signing-log', 'v1'] });
    trustConfig = JSON.parse(await readFile(stack.trustFile('trust_config.json'), 'utf8')) as TrustConfig;
    await writeFile(path.join(stack.work, 'artifact'), 'hello from sigstore-python\n');
    await writeFile(path.join(stack.work, 'tampered'), 'hello from sigstore-python, tampered\n');
  }, INTEROP_STACK_START_TIMEOUT_MS);
  afterAll(() => closeStack(stack));

  /** `sigstore --trust-config <file> args…`; platformdirs puts any TUF cache under these, so they stay ours. */
  const sigstore = (args: string[], config = stack.trustFile('trust_config.json')) =>
    stack.runClient(SIGSTORE_PYTHON as string, ['--trust-config', config, ...args], {
      XDG_CACHE_HOME: path.join(stack.home, 'cache'),
      XDG_DATA_HOME: path.join(stack.home, 'data'),
      XDG_CONFIG_HOME: path.join(stack.home, 'config'),
      COLUMNS: CONSOLE_COLUMNS,
    });
  const ok = (result: ToolResult) => expectSuccess(result, stack);
  /** Whether the request log shows `line`, waiting a little: a request's line can reach the pipe after the client exits. */
  async function requestLogged(line: string): Promise<boolean> {
    const deadline = Date.now() + REQUEST_LOG_WAIT_MS;
    while (!stack.requestLog().includes(line) && Date.now() < deadline) await new Promise((r) => setTimeout(r, REQUEST_LOG_POLL_MS));
    return stack.requestLog().includes(line);
  }
  const sign = async (...args: string[]) => ['sign', '--identity-token', await stack.devToken(EMAIL), ...args];
  const verifyIdentity = (inputs: string[], identity = EMAIL, oidcIssuer = stack.issuer) => [
    'verify', 'identity', ...inputs, '--cert-identity', identity, '--cert-oidc-issuer', oidcIssuer,
  ];
  const readBundle = async (name: string) => JSON.parse(await readFile(path.join(stack.work, name), 'utf8')) as Bundle;

  /** The bundle's one entry: the kind asked for, under the log ID of the trust config, with the body Sigbox stores. */
  const expectLoggedByTrustConfig = (bundle: Bundle, kind: string) =>
    expectLogged(stack, bundle.verificationMaterial.tlogEntries, kind, trustConfig.trustedRoot.tlogs[0]?.logId.keyId);

  /** The trust config with one trusted root key replaced: the client must then refuse what that key vouched for. */
  async function trustConfigWith(name: string, change: (root: TrustConfig['trustedRoot']) => void): Promise<string> {
    const copy = structuredClone(trustConfig);
    change(copy.trustedRoot);
    const file = path.join(stack.work, name);
    await writeFile(file, JSON.stringify(copy));
    return file;
  }

  it('signs a blob from the trust config: CSR to Fulcio v2 (embedded SCT), a hashedrekord entry, a v0.3 bundle', async () => {
    ok(await sigstore(await sign('--bundle', 'artifact.sigstore.json', 'artifact')));
    const bundle = await readBundle('artifact.sigstore.json');
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    await expectLoggedByTrustConfig(bundle, 'hashedrekord');
    expect(await requestLogged('"path":"/api/v2/signingCert","route":"/api/v2/signingCert","status":200')).toBe(true);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('verifies it from the trust config alone (no URL in it reachable), and refuses a tampered artifact, another identity and another issuer', async () => {
    // Everything needed is in the bundle and the trust config: with every URL in it unreachable, it still verifies.
    const unreachable = path.join(stack.work, 'trust_config.unreachable.json');
    await writeFile(unreachable, (await readFile(stack.trustFile('trust_config.json'), 'utf8')).replaceAll(stack.url, UNREACHABLE_URL));
    for (const [offline, config] of [[[], stack.trustFile('trust_config.json')], [[], unreachable], [['--offline'], unreachable]] as const) {
      const verified = await sigstore(verifyIdentity([...offline, '--bundle', 'artifact.sigstore.json', 'artifact']), config);
      ok(verified);
      expect(verified.stderr).toContain('OK: artifact');
    }
    expectRefused(await sigstore(verifyIdentity(['--bundle', 'artifact.sigstore.json', 'tampered'])), 'Bundle message digest mismatch');
    expectRefused(await sigstore(verifyIdentity(['--bundle', 'artifact.sigstore.json', 'artifact'], 'someone@example.com')), "Certificate's SANs do not match");
    expectRefused(
      await sigstore(verifyIdentity(['--bundle', 'artifact.sigstore.json', 'artifact'], EMAIL, 'https://accounts.example.com')),
      "Certificate's OIDCIssuer does not match",
    );
  }, CLIENT_STEP_TIMEOUT_MS);

  it('checks the embedded SCT and the checkpoint signature: another key for the CT log or the tlog refuses the bundle', async () => {
    const { tlogs, ctlogs } = trustConfig.trustedRoot;
    const wrongCtKey = await trustConfigWith('trust_config.wrong-ct.json', (root) => {
      (root.ctlogs[0] as { publicKey: PublicKey }).publicKey = (tlogs[0] as { publicKey: PublicKey }).publicKey;
    });
    expectRefused(await sigstore(verifyIdentity(['--bundle', 'artifact.sigstore.json', 'artifact']), wrongCtKey), 'failed to verify SCT');
    const wrongTlogKey = await trustConfigWith('trust_config.wrong-tlog.json', (root) => {
      (root.tlogs[0] as { publicKey: PublicKey }).publicKey = (ctlogs[0] as { publicKey: PublicKey }).publicKey;
    });
    expectRefused(await sigstore(verifyIdentity(['--bundle', 'artifact.sigstore.json', 'artifact']), wrongTlogKey), 'checkpoint: invalid signature');
  }, CLIENT_STEP_TIMEOUT_MS);

  it('verifies detached signature and certificate: the entry is found through POST /api/v1/log/entries/retrieve/', async () => {
    ok(await sigstore(await sign('--signature', 'detached.sig', '--certificate', 'detached.crt', '--bundle', 'detached.sigstore.json', 'artifact')));
    const detached = (artifact: string) => verifyIdentity(['--signature', 'detached.sig', '--certificate', 'detached.crt', artifact]);
    ok(await sigstore(detached('artifact')));
    // sigstore-python posts to the path with a trailing slash (sigstore/_internal/rekor/client.py at v4.5.0).
    expect(await requestLogged('"path":"/api/v1/log/entries/retrieve/","route":"/api/v1/log/entries/retrieve","status":200')).toBe(true);
    expect((await sigstore(detached('tampered'))).code).toBe(1);
  }, CLIENT_STEP_TIMEOUT_MS);

  it('attests a blob with a SLSA provenance predicate (a dsse entry) and verifies the attestation', async () => {
    const predicate = { buildDefinition: { buildType: 'https://example.com/build/v1', externalParameters: {} }, runDetails: { builder: { id: 'https://example.com/sigbox-interop' } } };
    await writeFile(path.join(stack.work, 'predicate.json'), JSON.stringify(predicate));
    ok(await sigstore([
      'attest', '--identity-token', await stack.devToken(EMAIL), '--predicate', 'predicate.json', '--predicate-type', SLSA_PROVENANCE_V1,
      '--bundle', 'attestation.sigstore.json', 'artifact',
    ]));
    await expectLoggedByTrustConfig(await readBundle('attestation.sigstore.json'), 'dsse');
    const verified = await sigstore(verifyIdentity(['--bundle', 'attestation.sigstore.json', 'artifact']));
    ok(verified);
    // A verified attestation prints its in-toto statement on stdout.
    expect(JSON.parse(verified.stdout)).toMatchObject({ predicateType: SLSA_PROVENANCE_V1, predicate });
    expect((await sigstore(verifyIdentity(['--bundle', 'attestation.sigstore.json', 'tampered']))).code).toBe(1);
  }, CLIENT_STEP_TIMEOUT_MS);

  it.skipIf(COSIGN_V3 === undefined)('verifies a bundle cosign v3 signed, and cosign v3 verifies the one sigstore-python signed', async () => {
    // cosign gets a HOME and an empty TUF_ROOT of its own, so the last test sees only what sigstore-python wrote.
    const cosignHome = path.join(stack.dir, 'cosign-home');
    await mkdir(cosignHome);
    const cosign = (args: string[]) => stack.runClient(COSIGN_V3 as string, args, { HOME: cosignHome });
    ok(await cosign([
      'sign-blob', '--signing-config', stack.trustFile('signing_config.v0.2.json'), '--trusted-root', stack.trustFile('trusted_root.json'),
      '--identity-token', await stack.devToken(EMAIL), '--bundle', 'cosign.sigstore.json', '-y', 'artifact',
    ]));
    ok(await sigstore(verifyIdentity(['--offline', '--bundle', 'cosign.sigstore.json', 'artifact'])));
    const verified = await cosign([
      'verify-blob', '--trusted-root', stack.trustFile('trusted_root.json'), '--bundle', 'artifact.sigstore.json',
      '--certificate-identity', EMAIL, '--certificate-oidc-issuer', stack.issuer, 'artifact',
    ]);
    ok(verified);
    expect(verified.stderr).toContain('Verified OK');
  }, CLIENT_STEP_TIMEOUT_MS);

  it('never fetched TUF metadata: the private HOME holds no cache', async () => {
    const written = (await readdir(stack.home, { recursive: true })).filter((name) => /tuf|sigstore/i.test(name));
    expect(written).toEqual([]);
  });
});
