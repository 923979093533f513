// Backup and restore as README.md ("Backup and restore") tells an operator to do it, with the real tools: a
// `sigbox up` on PostgreSQL with a keyring made by the ceremony (`sigbox init`; `--dev` only for the development
// issuer's tokens) signs a blob with cosign v3 (a Rekor v2 entry and a TSA timestamp, the signing config's
// default) and takes Rekor v1 and v2 entries and certificates; it stops; `pg_dump -Fc`; a
// fresh database; `pg_restore`; sigbox starts on the restored database with the same keyring and URL; `sigbox verify` proves it and the old bundle still verifies with cosign. Then one stored tile and
// one stored entry are corrupted with SQL, and `sigbox verify` must fail naming them. PostgreSQL pass only: pg_dump
// is the backup of a PostgreSQL database (PGlite's is its data folder).
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from '@sigbox/db';
import {
  type SigboxProcess,
  type TestDatabase,
  type ToolResult,
  createTestDatabase,
  findTool,
  hashedRekordV2Request,
  hashedrekord,
  keyPem,
  requirePostgres,
  runTool,
  signArtifact,
  spawnSigbox,
  startSigbox,
  ensureTestKeyring,
  TEST_KEY_PASSPHRASE,
  testKey,
  unavailable,
} from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HAS_POSTGRES = requirePostgres('backup.test.ts');
/** Debian's postgresql-client 15, as README.md names it; PG_BIN points elsewhere. */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const HAS_PG_TOOLS = ['pg_dump', 'pg_restore'].every((t) => existsSync(path.join(PG_BIN, t))) || (unavailable(`pg_dump and pg_restore in ${PG_BIN}`, 'the backup test dumps and restores with them') ?? false);
const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3 signs the bundle that must still verify after the restore' });
const EMAIL = 'backup@example.com';
const REKOR_ENTRIES = 12;
const REKOR_V2_ENTRIES = 5;
const CERTIFICATES = 4;
const STEP_TIMEOUT_MS = 60_000;

const ok = (result: ToolResult, what: string) => expect(result.code, `${what}: ${result.stderr}${result.stdout}`).toBe(0);

async function devToken(url: string): Promise<string> {
  const res = await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL }) });
  return ((await res.json()) as { id_token: string }).id_token;
}

/** A Fulcio v2 certificate as cosign asks for one: the key's PEM and a signature over the email as proof. */
async function requestCertificate(url: string): Promise<number> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = {
    credentials: { oidcIdentityToken: await devToken(url) },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: publicKey.export({ type: 'spki', format: 'pem' }) },
      proofOfPossession: crypto.sign('sha256', Buffer.from(EMAIL), privateKey).toString('base64'),
    },
  };
  const res = await fetch(`${url}/api/v2/signingCert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function addRekorEntry(url: string, n: number): Promise<number> {
  const key = testKey('ecdsa-p256');
  const artifact = Buffer.from(`backup artifact ${n}`);
  const entry = hashedrekord(signArtifact(key, artifact, 'sha256'), keyPem(key.publicKey), 'sha256', artifact);
  const res = await fetch(`${url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entry) });
  await res.arrayBuffer();
  return res.status;
}

/** A Rekor v2 entry (its own tree, Ed25519 checkpoints): `sigbox verify` proves that tree too. */
async function addRekorV2Entry(url: string, n: number): Promise<number> {
  const body = hashedRekordV2Request(testKey('ecdsa-p256'), Buffer.from(`backup v2 artifact ${n}`));
  const res = await fetch(`${url}/api/v2/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(!HAS_POSTGRES || !HAS_PG_TOOLS || COSIGN_V3 === undefined)('backup: pg_dump, pg_restore, sigbox verify, cosign', () => {
  let dir: string;
  let data: string;
  let work: string;
  let original: TestDatabase | undefined;
  let restored: TestDatabase | undefined;
  let sigbox: SigboxProcess | undefined;
  let port: number;

  const cosign = (args: string[]) => runTool(COSIGN_V3 as string, args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, TUF_ROOT: path.join(work, 'tuf') } });
  const verify = async (databaseUrl: string) => {
    const proc = spawnSigbox(['verify', '--database-url', databaseUrl, '--data', data], { keepStdout: true });
    return { code: await proc.exited(), stdout: proc.stdout(), stderr: proc.stderr() };
  };
  const verifyBlob = () =>
    cosign(['verify-blob', '--trusted-root', path.join(data, 'trusted_root.json'), '--bundle', 'artifact.sigstore.json',
      '--certificate-identity', EMAIL, '--certificate-oidc-issuer', `http://127.0.0.1:${port}/oidc`, 'artifact']);

  // The keyring of the ceremony, as in production; --dev (allowed beside real keys by its loud override) only mounts
  // the development issuer the test takes its tokens from.
  let keys: string;
  const upArgs = () => ['--keys', keys, '--dev', '--unsafe-dev-in-production'];
  const keyEnv = { SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-backup-'));
    [data, work] = [path.join(dir, 'data'), path.join(dir, 'work')];
    await mkdir(path.join(work, 'tuf'), { recursive: true });
    await writeFile(path.join(work, 'artifact'), 'backed up and restored\n');
    original = await createTestDatabase({ engine: 'postgres', migrate: false });
    keys = await ensureTestKeyring(path.join(dir, 'keys'));
    sigbox = await startSigbox({ dataDir: data, databaseUrl: original.url as string, args: upArgs(), env: keyEnv });
    port = Number(new URL(sigbox.url).port);
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await sigbox?.stop();
    await original?.close();
    await restored?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('signs a blob with cosign v3, and takes Rekor entries and certificates', async () => {
    const url = (sigbox as SigboxProcess).url;
    ok(await cosign(['sign-blob', '--signing-config', path.join(data, 'signing_config.v0.2.json'), '--trusted-root', path.join(data, 'trusted_root.json'),
      '--identity-token', await devToken(url), '--bundle', 'artifact.sigstore.json', '-y', 'artifact']), 'cosign sign-blob');
    const created = await Promise.all(Array.from({ length: REKOR_ENTRIES }, (_, n) => addRekorEntry(url, n)));
    expect(created).toEqual(Array(REKOR_ENTRIES).fill(201));
    const createdV2 = await Promise.all(Array.from({ length: REKOR_V2_ENTRIES }, (_, n) => addRekorV2Entry(url, n)));
    expect(createdV2).toEqual(Array(REKOR_V2_ENTRIES).fill(201));
    const issued = await Promise.all(Array.from({ length: CERTIFICATES }, () => requestCertificate(url)));
    expect(issued).toEqual(Array(CERTIFICATES).fill(200));
    expect(await (sigbox as SigboxProcess).stop()).toBe(0);
  }, STEP_TIMEOUT_MS);

  it('dumps, restores into a fresh database, starts on it with the same keys and URL, and verify proves it', async () => {
    const dump = path.join(dir, 'sigbox.dump');
    ok(await runTool(path.join(PG_BIN, 'pg_dump'), ['-Fc', '-f', dump, '-d', (original as TestDatabase).url as string]), 'pg_dump');
    restored = await createTestDatabase({ engine: 'postgres', migrate: false });
    ok(await runTool(path.join(PG_BIN, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', restored.url as string, dump]), 'pg_restore');
    sigbox = await startSigbox({ dataDir: data, databaseUrl: restored.url as string, port, args: upArgs(), env: keyEnv });

    const result = await verify(restored.url as string);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    // What was made: ours in Rekor v1; cosign's entry (the signing config's default, v2) and ours in Rekor v2;
    // cosign's certificate and ours, one precertificate each, in CT.
    expect(result.stdout).toMatch(new RegExp(`^tree rekor .*: ${REKOR_ENTRIES} entries \\(integrated ${REKOR_ENTRIES}\\), .* 0 problems$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^tree ct .*: ${CERTIFICATES + 1} entries \\(integrated ${CERTIFICATES + 1}\\), .* 0 problems$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^tree rekor-v2 .*: ${REKOR_V2_ENTRIES + 1} entries \\(integrated ${REKOR_V2_ENTRIES + 1}\\), .* 0 problems$`, 'm'));
    expect(result.stdout).toMatch(/^verified 3 trees: .*: OK$/m);
    // Every checkpoint stored was verified.
    for (const line of result.stdout.split('\n').filter((l) => l.startsWith('tree '))) {
      const [, checkpoints, signatures] = /(\d+) checkpoints, (\d+) signatures verified/.exec(line) ?? [];
      expect(Number(checkpoints)).toBeGreaterThan(0);
      expect(signatures).toBe(checkpoints);
    }
    expect(result.stdout).toContain('SCTs: none stored');
  }, STEP_TIMEOUT_MS);

  it('the bundle signed before the backup verifies with cosign against the restored box’s trusted root', async () => {
    const verified = await verifyBlob();
    ok(verified, 'cosign verify-blob');
    expect(verified.stderr).toContain('Verified OK');
  }, STEP_TIMEOUT_MS);

  it('fails, naming them, when a stored tile and a stored entry of the restored database are corrupted', async () => {
    expect(await (sigbox as SigboxProcess).stop()).toBe(0);
    const db = (restored as TestDatabase).kysely;
    await sql`UPDATE log_tiles SET hashes = set_byte(hashes, 0, get_byte(hashes, 0) # 255)
      WHERE tree_id = (SELECT tree_id FROM log_trees WHERE name = 'rekor') AND level = 0 AND idx = 0`.execute(db);
    await sql`UPDATE log_entries SET data = data || '\\x00'::bytea
      WHERE tree_id = (SELECT tree_id FROM log_trees WHERE name = 'ct') AND idx = 2`.execute(db);
    const result = await verify((restored as TestDatabase).url as string);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}PROBLEM TILE_MISMATCH: tile 0\/0 \(width \d+\) differs/m);
    expect(result.stdout).toMatch(/^ {2}PROBLEM LEAF_HASH_MISMATCH: entry 2: /m);
    expect(result.stdout).toMatch(/PROBLEMS$/m);
  }, STEP_TIMEOUT_MS);
});
