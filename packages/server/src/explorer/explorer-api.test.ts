// The explorer's read API on real logs: a Rekor v1 tree and a Rekor v2 tree on PGlite, entries written through their
// own HTTP APIs, read back through the explorer's: newest first with a cursor, search by digest, SAN and key across
// both generations, a v2 entry with a proof that verifies against its checkpoint, the status numbers, and the page
// and assets with their headers.
import crypto from 'node:crypto';
import { createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';
import type { OpenedKey } from '@sigbox/keyring';
import { hashLeaf, isValidInclusion, parseCheckpoint } from '@sigbox/merkle';
import { REKOR_TREE_NAME, createShardedRekorLog } from '@sigbox/rekor';
import { type TestDatabase, createTestDatabase, hashedRekordV2Request, hashedrekord, keyPem, selfSignedCert, signArtifact, testKey } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { createApp } from '../app.js';
import { createLogMetrics } from '../log-metrics.js';
import { type OpenedRekorShard, openRekorShard } from '../rekor/open-rekor.js';
import { createRekorApi } from '../rekor/rekor-api.js';
import { type RekorV2Setup, openRekorV2 } from '../rekor-v2/open-rekor-v2.js';
import { createExplorerApi } from './explorer-api.js';
import { EXPLORER_CSP } from './static-site.js';

const memoryKey = (privateKey: crypto.KeyObject): OpenedKey => ({ entry: {} as OpenedKey['entry'], signer: createKeySigner(privateKey), privateKey, close: () => Promise.resolve() });
const metrics = (tree: string) => createLogMetrics(new Registry()).forTree(tree);
const page = { body: encoding.utf8('<!doctype html><title>x</title>'), contentType: 'text/html; charset=utf-8' };
const asset = { body: encoding.utf8('console.log(1)'), contentType: 'text/javascript; charset=utf-8' };

describe('the explorer API', () => {
  let db: TestDatabase;
  let v1: OpenedRekorShard;
  let v2: RekorV2Setup;
  let app: ReturnType<typeof createApp>;
  const keyOnly = testKey('ecdsa-p256');
  const artifact = encoding.utf8('an artifact signed twice\n');
  const digest = crypto.hash('sha256', artifact, 'hex');

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'pglite' });
    v1 = await openRekorShard({ db, hostname: 'explorer.test', metrics: metrics('rekor'), key: memoryKey(generatePrivateKey('ecdsa-p256')), treeName: REKOR_TREE_NAME });
    v2 = await openRekorV2({ db, hostname: 'explorer.test', metrics: metrics('rekor-v2'), key: memoryKey(generatePrivateKey('ed25519')) });
    const rekor = await createShardedRekorLog({ shards: [v1.shard] });
    const explorer = createExplorerApi({
      db,
      site: { page, assets: new Map([['app-0123456789ab.js', asset]]) },
      v1Shards: () => rekor.ranges(),
      v2: { treeId: v2.treeId, tree: v2.log.tree },
      statusTrees: () => [
        { name: 'rekor', log: 'v1', treeId: v1.shard.tree.treeId },
        { name: 'rekor-v2', log: 'v2', treeId: v2.treeId },
      ],
    });
    app = createApp({ logger: captureLogger().logger, apis: [createRekorApi(rekor), v2.api, explorer] });
    // v1: three entries by a bare key (other artifacts), then the artifact; v2: the artifact by a certificate.
    for (let i = 0; i < 3; i++) {
      const other = encoding.utf8(`other ${i}`);
      await request(app).post('/api/v1/log/entries').send(hashedrekord(signArtifact(keyOnly, other, 'sha256'), keyPem(keyOnly.publicKey), 'sha256', other)).expect(201);
    }
    await request(app).post('/api/v1/log/entries').send(hashedrekord(signArtifact(keyOnly, artifact, 'sha256'), keyPem(keyOnly.publicKey), 'sha256', artifact)).expect(201);
    const cert = await selfSignedCert({ email: 'Signer@Example.com' });
    await request(app).post('/api/v2/log/entries').send(hashedRekordV2Request(cert.key, artifact, { certificate: cert.der })).expect(201);
  });
  afterAll(async () => {
    await v1?.close();
    await v2?.close();
    await db?.close();
  });

  it('lists the newest entries of each log, newest first, a page at a time', async () => {
    const first = await request(app).get('/sigbox/v1/explorer/entries?log=v1&limit=3').expect(200);
    expect(first.body.entries.map((e: { logIndex: number }) => e.logIndex)).toEqual([3, 2, 1]);
    expect(first.body.nextBefore).toBe(1);
    const second = await request(app).get('/sigbox/v1/explorer/entries?log=v1&limit=3&before=1').expect(200);
    expect(second.body).toEqual({ entries: [expect.objectContaining({ log: 'v1', logIndex: 0 })] });
    const entry = second.body.entries[0];
    expect(JSON.parse(encoding.fromUtf8(encoding.fromBase64(entry.body)))).toMatchObject({ kind: 'hashedrekord', apiVersion: '0.0.1' });
    expect(entry.integratedTime).toBeGreaterThan(Date.now() / 1000 - 60);
    const v2List = await request(app).get('/sigbox/v1/explorer/entries?log=v2').expect(200);
    expect(v2List.body.entries).toHaveLength(1);
  });

  it('refuses a malformed list query in its own error shape', async () => {
    expect((await request(app).get('/sigbox/v1/explorer/entries?log=v3').expect(400)).body).toEqual({ code: 400, message: 'log must be v1 or v2' });
    await request(app).get('/sigbox/v1/explorer/entries?log=v1&limit=1000').expect(400);
    await request(app).get('/sigbox/v1/explorer/entries?log=v1&before=-1').expect(400);
  });

  it('finds entries of both logs by digest, by SAN (any case) and by public key', async () => {
    const byHash = await request(app).get(`/sigbox/v1/explorer/search?hash=${digest.toUpperCase()}`).expect(200);
    expect(byHash.body.entries.map((e: { log: string; logIndex: number }) => `${e.log}/${e.logIndex}`)).toEqual(['v2/0', 'v1/3']);
    const bySan = await request(app).get('/sigbox/v1/explorer/search?subject=signer%40example.com').expect(200);
    expect(bySan.body.entries.map((e: { log: string }) => e.log)).toEqual(['v2']);
    const byKey = await request(app).get(`/sigbox/v1/explorer/search?publicKey=${encodeURIComponent(keyPem(keyOnly.publicKey))}`).expect(200);
    expect(byKey.body.entries).toHaveLength(4);
    expect((await request(app).get('/sigbox/v1/explorer/search?hash=abc').expect(400)).body.message).toContain('hash');
    await request(app).get(`/sigbox/v1/explorer/search?hash=${digest}&subject=x`).expect(400);
  });

  it('answers a v2 entry with a proof that verifies against the checkpoint it carries', async () => {
    const { body } = await request(app).get('/sigbox/v1/explorer/v2/entries/0').expect(200);
    const proof = body.inclusionProof;
    const checkpoint = parseCheckpoint(proof.checkpoint);
    expect(checkpoint.size).toBe(BigInt(proof.treeSize));
    expect(encoding.toHex(checkpoint.rootHash)).toBe(proof.rootHash);
    const leaf = hashLeaf(encoding.fromBase64(body.body));
    expect(isValidInclusion(0n, BigInt(proof.treeSize), leaf, proof.hashes.map(encoding.fromHex), checkpoint.rootHash)).toBe(true);
    await request(app).get('/sigbox/v1/explorer/v2/entries/5').expect(404);
    await request(app).get('/sigbox/v1/explorer/v2/entries/x').expect(400);
  });

  it('reports each log size and this minute’s entries', async () => {
    const { body } = await request(app).get('/sigbox/v1/explorer/status').expect(200);
    expect(body.windowMinutes).toBe(360);
    const [rekor, rekorV2] = body.logs;
    expect(rekor).toMatchObject({ name: 'rekor', log: 'v1', treeSize: 4 });
    expect(rekor.perMinute).toHaveLength(360);
    expect(rekor.perMinute.reduce((a: number, b: number) => a + b, 0)).toBe(4);
    expect(rekorV2).toMatchObject({ name: 'rekor-v2', treeSize: 1 });
    expect(Date.now() - Date.parse(rekorV2.checkpointTime)).toBeLessThan(60_000);
  });

  it('serves the page (revalidated) and the assets (immutable) under a strict CSP', async () => {
    const home = await request(app).get('/').expect(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.headers['content-security-policy']).toBe(EXPLORER_CSP);
    expect(home.headers['cache-control']).toBe('no-cache');
    await request(app).get('/').set('If-None-Match', home.headers.etag as string).expect(304);
    const js = await request(app).get('/explorer/app-0123456789ab.js').expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(app).get('/explorer/nothing.js').expect(404)).body).toEqual({ code: 404, message: 'Not Found' });
  });
});
