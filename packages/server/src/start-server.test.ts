import { createTestDatabase } from '@sigbox/testkit';
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StartError } from './error.js';
import { DATABASE_RETRY_FIRST_MS, startServer, type RunningServer, type ServerConfig } from './start-server.js';
import { captureLogger } from './__fixtures__/capture-logger.js';
import { initKeyring } from './trust/init-keyring.js';
import { type TlogJson, expectRekorV2Trusted } from './__fixtures__/rekor-v2-trust.js';

/** Each persistent PGlite start runs initdb or recovery: several seconds. */
const SLOW = 90_000;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const PASSPHRASE = 'start-server-test';
/** One keyring made by the ceremony for every production start here (each test has its own database). */
let keyring: Promise<string> | undefined;
let keyringParent: string | undefined;
afterAll(async () => {
  if (keyringParent) await rm(keyringParent, { recursive: true, force: true });
});
function testKeyring(): Promise<string> {
  keyring ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sigbox-start-keys-'));
    keyringParent = dir;
    const keys = path.join(dir, 'keys');
    await initKeyring({ dir: keys, custody: { kind: 'file' }, secrets: { passphrase: PASSPHRASE }, ca: { subject: { organization: 't', commonName: 't' }, algorithm: 'ecdsa-p256' }, tufRootKeys: 1 });
    return keys;
  })();
  return keyring;
}

async function config(overrides: Partial<ServerConfig> = {}): Promise<ServerConfig> {
  const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-start-'));
  dirs.push(parent);
  const keys = overrides.dev === true ? {} : { keysDir: await testKeyring(), keySecrets: { passphrase: PASSPHRASE } };
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir: path.join(parent, 'data'),
    databaseUrl: undefined,
    publicUrl: undefined,
    dev: false,
    fulcioConfig: undefined,
    ...keys,
    ...overrides,
  };
}

async function check(server: RunningServer): Promise<void> {
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'SERVING' });
  const root = (await (await fetch(`${server.url}/sigbox/v1/trusted_root.json`)).json()) as { tlogs: unknown[] };
  expect(root).toMatchObject({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' });
  // The transparency log describes itself with the key it serves at /api/v1/log/publicKey.
  const pem = await (await fetch(`${server.url}/api/v1/log/publicKey`)).text();
  const spki = createPublicKey(pem).export({ format: 'der', type: 'spki' });
  expect(root.tlogs).toEqual([
    expect.objectContaining({
      baseUrl: server.publicUrl,
      logId: { keyId: createHash('sha256').update(spki).digest('base64') },
      publicKey: expect.objectContaining({ rawBytes: spki.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256' }),
    }),
    expect.objectContaining({ baseUrl: server.publicUrl, publicKey: expect.objectContaining({ keyDetails: 'PKIX_ED25519' }) }),
  ]);
  await expectRekorV2Trusted(server, root.tlogs[1] as TlogJson);
  expect(JSON.parse(await readFile(server.trustedRootFile, 'utf8'))).toEqual(root);
}

describe('startServer', () => {
  it('creates a private data folder, serves on PGlite and shuts down', async () => {
    const cfg = await config();
    const { logger } = captureLogger();
    const server = await startServer(cfg, { logger });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.publicUrl).toBe(server.url);
      expect(server.engine).toBe('pglite');
      expect((await stat(cfg.dataDir)).mode & 0o777).toBe(0o700);
      await check(server);
    } finally {
      await server.close();
    }
    await server.closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    // Restart on the same folder: the embedded database and migrations survive.
    const again = await startServer(cfg, { logger });
    await check(again);
    await again.close();
  }, SLOW);

  it('reports a taken port as LISTEN_FAILED and releases the database', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const cfg = await config({ port });
      const err = await startServer(cfg, { logger: captureLogger().logger }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartError);
      expect((err as StartError).code).toBe('LISTEN_FAILED');
    } finally {
      blocker.close();
    }
  }, SLOW);

  it('waits for an unreachable database with backoff, one log line per attempt, then reports DATABASE_UNAVAILABLE', async () => {
    const cfg = await config({ databaseUrl: 'postgres://nobody:nothing@127.0.0.1:1/none', databaseWaitMs: 1_000 });
    const log = captureLogger();
    const err = await startServer(cfg, { logger: log.logger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartError);
    expect((err as StartError).code).toBe('DATABASE_UNAVAILABLE');
    const retries = log.lines().filter((l) => l.msg === 'the database does not answer yet; retrying');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries.map((l) => l.attempt)).toEqual(retries.map((_, i) => i + 1));
    // Exponential: each wait twice the one before, until the time left cuts the last one short.
    expect(retries.slice(0, 2).map((l) => l.retryInMs)).toEqual([DATABASE_RETRY_FIRST_MS, 2 * DATABASE_RETRY_FIRST_MS]);
    expect((err as StartError).message).toMatch(new RegExp(`^the database did not answer \\(${retries.length + 1} attempts in \\d+ s\\)`));
  });

  it('tries an unreachable database once with databaseWaitMs 0', async () => {
    const log = captureLogger();
    const err = await startServer(await config({ databaseUrl: 'postgres://nobody:nothing@127.0.0.1:1/none', databaseWaitMs: 0 }), { logger: log.logger }).catch((e: unknown) => e);
    expect((err as StartError).code).toBe('DATABASE_UNAVAILABLE');
    expect(log.text()).not.toContain('retrying');
  });

  describe('refuses to start, writing nothing, on keys it must not or cannot use', () => {
    const refusal = async (overrides: Partial<ServerConfig>) => {
      const cfg = await config(overrides);
      const err = await startServer(cfg, { logger: captureLogger().logger }).then(() => undefined, (e: unknown) => e as StartError);
      expect(err).toBeInstanceOf(StartError);
      expect(err?.code).toBe('KEY_UNUSABLE');
      await expect(access(cfg.dataDir)).rejects.toThrow(); // no data folder, so no database either
      return err?.message ?? '';
    };

    it('no keyring outside --dev: one line naming the ceremony', async () => {
      expect(await refusal({ keysDir: undefined })).toMatch(/sigbox init --keys DIR/);
    });

    it('a wrong or missing passphrase', async () => {
      expect(await refusal({ keySecrets: { passphrase: 'wrong' } })).toMatch(/cannot be decrypted with the passphrase given/);
      expect(await refusal({ keySecrets: {} })).toMatch(/is encrypted/);
    });

    it('a private key in clear, as --dev makes them', async () => {
      const dev = await config({ dev: true });
      const server = await startServer(dev, { logger: captureLogger().logger });
      await server.close();
      expect(await refusal({ keysDir: path.join(dev.dataDir, 'keys'), keySecrets: {} })).toMatch(/in clear: only --dev reads one/);
    });
  });

  it('without its CT log issues certificates with no SCT, lists no ctlog and says so', async () => {
    const cfg = await config({ dev: true, ctLog: false });
    const server = await startServer(cfg, { logger: captureLogger().logger });
    try {
      expect(server.warnings).toContain('WARNING: no CT log (--no-ct-log): certificates carry no SCT and clients must be told to skip SCT checks');
      const root = (await (await fetch(`${server.url}/trusted_root.json`)).json()) as { ctlogs: unknown[]; certificateAuthorities: unknown[] };
      expect(root.ctlogs).toEqual([]);
      expect(root.certificateAuthorities).toHaveLength(1);
      expect(server.trustFiles.ctKey).toBeUndefined();
      await expect(access(path.join(cfg.dataDir, 'ctfe.pub'))).rejects.toThrow();
      expect((await fetch(`${server.url}/ct/v1/get-sth`)).status).toBe(404);

      const email = 'no-ct@example.com';
      const { id_token: token } = (await (await fetch(`${server.devIssuerUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) })).json()) as { id_token: string };
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const body = {
        credentials: { oidcIdentityToken: token },
        publicKeyRequest: {
          publicKey: { algorithm: 'ECDSA', content: publicKey.export({ format: 'pem', type: 'spki' }) },
          proofOfPossession: sign('sha256', Buffer.from(email), privateKey).toString('base64'),
        },
      };
      const res = await fetch(`${server.url}/api/v2/signingCert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { signedCertificateDetachedSct: { chain: { certificates: string[] }; signedCertificateTimestamp: string } };
      expect(answer.signedCertificateDetachedSct.signedCertificateTimestamp).toBe('');
      const [leafPem, issuingPem] = answer.signedCertificateDetachedSct.chain.certificates;
      const leaf = new X509Certificate(leafPem as string);
      expect(leaf.verify(new X509Certificate(issuingPem as string).publicKey)).toBe(true);
      expect(leaf.subjectAltName).toBe(`email:${email}`);
      // Neither the SCT list (RFC 6962 §3.3) nor the CT poison: a plain certificate.
      const der = leaf.raw.toString('hex');
      for (const oid of ['060a2b06010401d679020402', '060a2b06010401d679020403']) expect(der).not.toContain(oid);
    } finally {
      await server.close();
    }
  }, SLOW);

  const pgUrl = process.env.TEST_DATABASE_URL;
  it.skipIf(!pgUrl)('starts once a PostgreSQL that did not answer at first comes up', async () => {
    const db = await createTestDatabase({ engine: 'postgres', migrate: false });
    const target = new URL(db.url as string);
    // The database's port, answered only after a while: before, nothing listens there.
    const late = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      const end = () => (client.destroy(), upstream.destroy());
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
    const port = await freePort();
    const url = new URL(target);
    url.port = String(port);
    const log = captureLogger();
    const opening = setTimeout(() => late.listen(port, '127.0.0.1'), 1_200);
    try {
      const server = await startServer(await config({ databaseUrl: url.toString(), databaseWaitMs: 30_000 }), { logger: log.logger });
      expect(log.lines().filter((l) => l.msg === 'the database does not answer yet; retrying').length).toBeGreaterThanOrEqual(2);
      await check(server);
      await server.close();
    } finally {
      clearTimeout(opening);
      late.close();
      await db.close();
    }
  }, SLOW);

  it.skipIf(!pgUrl)('serves on PostgreSQL when given a URL', async () => {
    // A database of its own: the trees it creates are bound to this run's keys.
    const db = await createTestDatabase({ engine: 'postgres', migrate: false });
    try {
      const server = await startServer(await config({ databaseUrl: db.url }), { logger: captureLogger().logger });
      expect(server.engine).toBe('postgres');
      await check(server);
      await server.close();
    } finally {
      await db.close();
    }
  }, SLOW);
});
