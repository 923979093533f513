// Rotation followed by a running box: `rotateKeyIn` (what `sigbox rotate` runs) records the next CA, CT and Rekor
// keys; the box, polling its database, switches to each without a restart, keeps the old ones in the trust
// history with their windows, and answers with the new keys. Postgres only: the rotation is a second client of
// the box's database, which the embedded PGlite does not allow.
import crypto, { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestDatabase, createTestDatabase, requirePostgres } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { type RunningServer, startServer } from '../start-server.js';
import { initKeyring } from './init-keyring.js';
import { rotateKeyIn } from './rotate.js';

const HAS_POSTGRES = requirePostgres('trust/rotation.test.ts');
const PASSPHRASE = 'rotation-test';

type Root = {
  tlogs: Array<{ logId: { keyId: string }; publicKey: { validFor: { start: string; end?: string } } }>;
  ctlogs: Array<{ logId: { keyId: string }; publicKey: { validFor: { start: string; end?: string } } }>;
  certificateAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> }; validFor: { start: string; end?: string } }>;
  timestampAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> }; validFor: { start: string; end?: string } }>;
};

describe.skipIf(!HAS_POSTGRES)('a running box follows sigbox rotate', () => {
  let db: TestDatabase;
  let dir: string;
  let server: RunningServer;
  const json = async <T>(p: string, init?: RequestInit) => (await (await fetch(`${server.url}${p}`, init)).json()) as T;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres' });
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-rotation-'));
    await initKeyring({ dir: path.join(dir, 'keys'), custody: { kind: 'file' }, secrets: { passphrase: PASSPHRASE }, ca: { subject: { organization: 'o', commonName: 'rotation' }, algorithm: 'ecdsa-p256' }, tufRootKeys: 1 });
    server = await startServer(
      { host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'), databaseUrl: db.url, publicUrl: undefined, dev: true, fulcioConfig: undefined, keysDir: path.join(dir, 'keys'), keySecrets: { passphrase: PASSPHRASE }, trustPollMs: 100 },
      { logger: captureLogger().logger },
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A certificate from the box's CA for a fresh key (the dev issuer's token), as PEMs, leaf first. */
  async function certificate(): Promise<string[]> {
    const email = 'rotation@example.com';
    const { id_token: token } = await json<{ id_token: string }>('/oidc/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const body = {
      credentials: { oidcIdentityToken: token },
      publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: publicKey.export({ format: 'pem', type: 'spki' }) }, proofOfPossession: crypto.sign('sha256', Buffer.from(email), privateKey).toString('base64') },
    };
    const answer = await json<{ signedCertificateEmbeddedSct: { chain: { certificates: string[] } } }>('/api/v2/signingCert', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return answer.signedCertificateEmbeddedSct.chain.certificates;
  }

  async function logEntry(): Promise<{ logID: string; logIndex: number; integratedTime: number }> {
    const artifact = crypto.randomBytes(32);
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const b64 = (b: Uint8Array | string) => Buffer.from(b).toString('base64');
    const entry = {
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      spec: { signature: { content: b64(crypto.sign('sha256', artifact, privateKey)), publicKey: { content: b64(publicKey.export({ type: 'spki', format: 'pem' })) } }, data: { hash: { algorithm: 'sha256', value: crypto.hash('sha256', artifact, 'hex') } } },
    };
    const created = await json<Record<string, { logID: string; logIndex: number; integratedTime: number }>>('/api/v1/log/entries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entry) });
    return Object.values(created)[0] as { logID: string; logIndex: number; integratedTime: number };
  }

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the box did not follow the rotation within 10 s');
  }

  it('switches CA, CT log and Rekor log to the new keys, and keeps the old ones with their windows', async () => {
    const [oldLeaf, oldIssuing] = await certificate();
    const oldEntry = await logEntry();
    const rotate = (role: 'ca' | 'ct' | 'rekor') => rotateKeyIn({ role, keysDir: path.join(dir, 'keys'), secrets: { passphrase: PASSPHRASE }, databaseUrl: db.url, dataDir: path.join(dir, 'data') });
    const rotatedAt = Date.now();
    await rotate('ca');
    await rotate('ct');
    await rotate('rekor');

    const root = await until(
      () => json<Root>('/trusted_root.json'),
      // Two Rekor v1 keys, then the Rekor v2 key (which `rotate rekor` does not touch).
      (r) => r.tlogs.length === 3 && r.ctlogs.length === 2 && r.certificateAuthorities.length === 2 && r.tlogs[0]?.publicKey.validFor.end !== undefined && r.ctlogs[0]?.publicKey.validFor.end !== undefined,
    );
    // The old log key's window covers what it signed and ends at the rotation; the old CA's once its last certificate has expired.
    expect(Date.parse(root.tlogs[0]?.publicKey.validFor.end as string)).toBeGreaterThanOrEqual(oldEntry.integratedTime * 1000);
    const caEnd = Date.parse(root.certificateAuthorities[0]?.validFor.end as string);
    expect(caEnd).toBeGreaterThanOrEqual(new X509Certificate(oldLeaf as string).validToDate.getTime());
    expect(caEnd - rotatedAt).toBeLessThan(15 * 60_000);
    expect(root.certificateAuthorities[1]?.validFor.end).toBeUndefined();

    // New answers come from the new keys; the old chain stays in the trust bundle until its window ends.
    const [newLeaf, newIssuing] = await certificate();
    expect(newIssuing).not.toBe(oldIssuing);
    expect(new X509Certificate(newLeaf as string).verify(new X509Certificate(newIssuing as string).publicKey)).toBe(true);
    const newIssuingDer = new X509Certificate(newIssuing as string).raw.toString('base64');
    expect(root.certificateAuthorities[1]?.certChain.certificates[0]?.rawBytes).toBe(newIssuingDer);
    const bundle = await json<{ chains: unknown[] }>('/api/v2/trustBundle');
    expect(bundle.chains).toHaveLength(2);
    // The SCT embedded in the new certificate names the new CT key (RFC 6962 LogID = the trusted root's keyId).
    const sctLogId = Buffer.from(root.ctlogs[1]?.logId.keyId as string, 'base64');
    expect(new X509Certificate(newLeaf as string).raw.includes(sctLogId)).toBe(true);
    const newEntry = await logEntry();
    expect(Buffer.from(newEntry.logID, 'hex').toString('base64')).toBe(root.tlogs[1]?.logId.keyId);
    expect(newEntry.logIndex).toBe(oldEntry.logIndex + 1); // global indexes go on across the shards
    const info = await json<{ inactiveShards?: unknown[] }>('/api/v1/log');
    expect(info.inactiveShards).toHaveLength(1);
    // Old entries stay readable, with their old log ID.
    const old = await json<Record<string, { logID: string }>>(`/api/v1/log/entries?logIndex=${oldEntry.logIndex}`);
    expect(Object.values(old)[0]?.logID).toBe(oldEntry.logID);
  }, 60_000);

  it('switches the TSA to a new leaf and chain (sigbox rotate tsa), and keeps the old chain with its window', async () => {
    const stamp = async () => {
      const res = await fetch(`${server.url}/api/v1/timestamp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ artifactHash: crypto.randomBytes(32).toString('base64'), hashAlgorithm: 'sha256', certificates: true }) });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    const leafOf = (chainPem: string) => new X509Certificate(chainPem.slice(0, chainPem.indexOf('-----END CERTIFICATE-----') + 25));
    const oldLeaf = leafOf(await (await fetch(`${server.url}/api/v1/timestamp/certchain`)).text());
    expect((await stamp()).includes(oldLeaf.raw)).toBe(true);
    await rotateKeyIn({ role: 'tsa', keysDir: path.join(dir, 'keys'), secrets: { passphrase: PASSPHRASE }, databaseUrl: db.url, dataDir: path.join(dir, 'data') });

    const root = await until(
      () => json<Root>('/trusted_root.json'),
      (r) => r.timestampAuthorities.length === 2 && r.timestampAuthorities[0]?.validFor.end !== undefined,
    );
    expect(root.timestampAuthorities[0]?.certChain.certificates[0]?.rawBytes).toBe(oldLeaf.raw.toString('base64'));
    expect(root.timestampAuthorities[1]?.validFor.end).toBeUndefined();
    const newLeaf = leafOf(await (await fetch(`${server.url}/api/v1/timestamp/certchain`)).text());
    expect(newLeaf.raw.toString('base64')).toBe(root.timestampAuthorities[1]?.certChain.certificates[0]?.rawBytes);
    expect(newLeaf.publicKey.equals(oldLeaf.publicKey)).toBe(false);
    const reply = await stamp();
    expect(reply.includes(newLeaf.raw)).toBe(true);
    expect(reply.includes(oldLeaf.raw)).toBe(false);
  }, 60_000);
});
