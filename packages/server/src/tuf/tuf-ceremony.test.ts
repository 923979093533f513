// The TUF ceremony steps against a running box: a box whose offline keys (root, targets) are not in its keyring
// folder, a ceremony keyring beside it, real PostgreSQL, and the real tuf-js client a sigstore-js user runs.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { type TufClient, createTufClient } from '@sigbox/testkit';
import { type RunningServer, startServer } from '../start-server.js';
import { initKeyring } from '../trust/init-keyring.js';
import { rotateKey } from '../trust/rotate.js';
import { TufCeremonyError } from './tuf-ceremony-error.js';
import { signNextRoot } from './tuf-ceremony.js';
import { publishTufTargets } from './tuf-publish.js';
import { readTufStatus } from './tuf-status.js';

const secrets = { passphrase: 'tuf-ceremony-test' };
const SLOW = 120_000;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

// PostgreSQL only: the box and the ceremony steps open the database at once, which the embedded PGlite cannot serve.
describe.skipIf(!databaseEngines().includes('postgres'))('sigbox tuf sign-root and publish against a running box on PostgreSQL', () => {
  let parent: string;
  let ceremony: string;
  let box: string;
  let db: TestDatabase;
  let server: RunningServer;
  const log = captureLogger();
  const clients: TufClient[] = [];
  let root1: Uint8Array;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'sigbox-tuf-ceremony-'));
    ceremony = path.join(parent, 'ceremony');
    box = path.join(parent, 'box');
    await initKeyring({ dir: ceremony, custody: { kind: 'file' }, secrets, ca: { subject: { organization: 't', commonName: 't' }, algorithm: 'ecdsa-p256' }, tufRootKeys: 2, tufRootThreshold: 2 });
    // The box's copy holds no offline key: root and targets stay with the ceremony.
    await cp(ceremony, box, { recursive: true, filter: (src) => !/tuf-(root|targets)-\d+\.key\.pem$/.test(src) });
    root1 = await readFile(path.join(ceremony, 'tuf', '1.root.json'));
    db = await createTestDatabase({ engine: 'postgres', migrate: false });
    server = await startServer(
      { host: '127.0.0.1', port: 0, dataDir: path.join(parent, 'data'), databaseUrl: db.url, publicUrl: undefined, dev: false, fulcioConfig: undefined, keysDir: box, keySecrets: secrets, tufRefreshMs: 100, trustPollMs: 100 },
      { logger: log.logger },
    );
  }, SLOW);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    for (const client of clients) await client.close();
    await rm(parent, { recursive: true, force: true });
  });

  const where = () => ({ databaseUrl: db.url, dataDir: path.join(parent, 'data') });
  const served = async () => text(new Uint8Array(await (await fetch(`${server.url}/trusted_root.json`)).arrayBuffer()));
  const client = async () => {
    const made = await createTufClient(`${server.url}/tuf`, root1);
    clients.push(made);
    return made;
  };
  const timestampPins = async (targetsVersion: number) =>
    until(`a snapshot pinning targets v${targetsVersion}`, async () => {
      const status = await readTufStatus(where());
      return status.warnings.every((w) => !w.includes('still pins')) && status.roles.find((r) => r.role === 'snapshot') && status.roles.find((r) => r.role === 'targets')?.version === targetsVersion;
    });

  it('the box without its targets key says so; `publish` signs the targets offline and the box snapshots them', async () => {
    expect(log.lines().some((l) => l.msg === 'the trust files changed but the TUF targets key is offline: publish them with `sigbox tuf publish` from the key ceremony')).toBe(true);
    const before = await readTufStatus(where());
    expect(before.roles.map((r) => r.role)).toEqual(['root']);
    expect(before.warnings).toContain('no targets published yet: the box signs them if it holds the targets key, else run `sigbox tuf publish`');
    expect((await fetch(`${server.url}/tuf/timestamp.json`)).status).toBe(404);

    const published = await publishTufTargets({ ...where(), keysDir: ceremony, secrets, publicUrl: server.publicUrl, ctLog: true });
    expect(published).toMatchObject({ stored: true, previous: undefined });
    expect(published.doc.version).toBe(1);
    expect(published.targets).toEqual(['trusted_root.json', 'signing_config.v0.2.json', 'fulcio_v1.crt.pem', 'rekor.pub', 'ctfe.pub']);
    await timestampPins(1);
    const early = await client();
    expect(text(await early.fetchTarget('trusted_root.json'))).toBe(await served());

    // Nothing changed: refused, unless forced (a new version, e.g. for its expiry).
    const refused = await publishTufTargets({ ...where(), keysDir: ceremony, secrets, publicUrl: server.publicUrl, ctLog: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TufCeremonyError);
    expect((refused as TufCeremonyError).code).toBe('NOTHING_CHANGED');
    const forced = await publishTufTargets({ ...where(), keysDir: ceremony, secrets, publicUrl: server.publicUrl, ctLog: true, force: true });
    expect(forced.doc.version).toBe(2);
    await timestampPins(2);

    const status = await readTufStatus(where());
    expect(status.roles.map((r) => [r.role, r.version])).toEqual([['root', 1], ['targets', 2], ['snapshot', expect.any(Number)], ['timestamp', expect.any(Number)]]);
    expect(status.freshness).toMatchObject({ publicUrl: server.publicUrl, ctLog: true, same: true, changed: [] });
    expect(status.targets.find((t) => t.name === 'rekor.pub')).toMatchObject({ usage: 'Rekor', status: 'Active' });
    expect(status.expired).toEqual([]);
    expect(status.warnings).toEqual([]);
  }, SLOW);

  it('`sign-root` replaces a root key and the online keys; the box serves root 2, re-signs at once, and a root-1 client follows', async () => {
    const holder = await client();
    expect(text(await holder.fetchTarget('trusted_root.json'))).toBe(await served());
    const timestampBefore = (await readTufStatus(where())).roles.find((r) => r.role === 'timestamp')?.version ?? 0;

    const unknown = await signNextRoot({ keysDir: ceremony, secrets, rotateKeys: ['tuf-root-9'] }).catch((e: unknown) => e);
    expect((unknown as TufCeremonyError).code).toBe('UNKNOWN_KEY');
    const next = await signNextRoot({ keysDir: ceremony, secrets, rotateKeys: ['tuf-root-1'], rotateOnline: true });
    expect(next.doc.version).toBe(2);
    expect(next.made.map((k) => k.name)).toEqual(['tuf-root-3', 'tuf-snapshot-2', 'tuf-timestamp-2']);
    expect([...next.signedBy].sort()).toEqual(['tuf-root-1', 'tuf-root-2', 'tuf-root-3']);
    // The box receives the public root, keyring.json and the new online keys; the new root key stays offline.
    for (const file of ['keyring.json', 'tuf/2.root.json', 'tuf-snapshot-2.key.pem', 'tuf-timestamp-2.key.pem']) await cp(path.join(ceremony, file), path.join(box, file));

    await until('root 2 served and the timestamp re-signed', async () => {
      const status = await readTufStatus(where());
      return status.roles.find((r) => r.role === 'root')?.version === 2 && (status.roles.find((r) => r.role === 'timestamp')?.version ?? 0) > timestampBefore;
    });
    expect(log.lines().some((l) => l.msg === 'TUF metadata re-signed' && l.reason === 'key rotated' && l.role === 'timestamp')).toBe(true);
    expect(text(await holder.fetchTarget('trusted_root.json'))).toBe(await served());
    expect(await holder.trustedRootVersion()).toBe(2);
    const fresh = await client(); // handed root 1 today: walks to root 2
    expect(text(await fresh.fetchTarget('trusted_root.json'))).toBe(await served());
    expect(await fresh.trustedRootVersion()).toBe(2);
  }, SLOW);

  it('a trust change waits for `publish`; then clients get the new trusted root', async () => {
    const rotation = await rotateKey({ role: 'rekor', db, keysDir: box, secrets });
    const changed = await until('the box to follow the rotation', async () => {
      const root = JSON.parse(await served()) as { tlogs: unknown[] };
      // Two Rekor v1 keys beside the Rekor v2 key.
      return root.tlogs.length === 3 && (await served());
    });
    const stale = await readTufStatus(where());
    expect(stale.freshness?.same).toBe(false);
    expect(stale.freshness?.changed).toEqual(expect.arrayContaining(['trusted_root.json', 'rekor.pub', `${rotation.previous}.pub`]));
    expect(stale.warnings.some((w) => w.startsWith('the trust files changed since targets v2'))).toBe(true);

    const published = await publishTufTargets({ ...where(), keysDir: ceremony, secrets, publicUrl: server.publicUrl, ctLog: true });
    expect(published.doc.version).toBe(3);
    expect(published.targets).toContain(`${rotation.previous}.pub`);
    await timestampPins(3);
    const reader = await client();
    expect(text(await reader.fetchTarget('trusted_root.json'))).toBe(changed);
    expect((await readTufStatus(where())).freshness?.same).toBe(true);
  }, SLOW);
});
