// The composition root's part in the Rekor log: it opens the tree with the log key in memory (so on PostgreSQL
// the tree is written on its own thread) and wires the engine's events to the metrics, including the proofs
// that fail their self-check, which the client sees as the generic 500.
import crypto from 'node:crypto';
import { createKeySigner } from '@sigbox/core';
import { sql } from '@sigbox/db';
import type { OpenedKey } from '@sigbox/keyring';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createLogMetrics } from '../log-metrics.js';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { generatePrivateKey } from '@sigbox/core';
import { createShardedRekorLog, rekorShardTreeName } from '@sigbox/rekor';
import { type OpenedRekorShard, type RekorSetup, openRekor, openRekorShard } from './open-rekor.js';
import { createRekorApi } from './rekor-api.js';

const SELF_CHECK_FAILURES = 'sigbox_log_proof_self_check_failures_total';

/** A hashedrekord 0.0.1 over a fresh artifact, signed with a fresh P-256 key. */
function hashedrekord(): unknown {
  const artifact = crypto.randomBytes(32);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
  return {
    kind: 'hashedrekord',
    apiVersion: '0.0.1',
    spec: {
      signature: { content: b64(crypto.sign('sha256', artifact, privateKey)), publicKey: { content: b64(publicKey.export({ type: 'spki', format: 'pem' })) } },
      data: { hash: { algorithm: 'sha256', value: crypto.hash('sha256', artifact, 'hex') } },
    },
  };
}

async function failuresCounted(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric(SELF_CHECK_FAILURES)?.get();
  return metric?.values.find((v) => v.labels.tree === 'rekor')?.value ?? 0;
}

describe.each(databaseEngines())('opening the Rekor log on %s', (engine) => {
  let db: TestDatabase;
  const setups: RekorSetup[] = [];
  // One key for every open, as processes sharing a database share it; in memory, as a file key from the keyring is.
  const privateKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const key = { entry: {} as OpenedKey['entry'], signer: createKeySigner(privateKey), privateKey, close: () => Promise.resolve() };
  const open = async (registry = new Registry()) => {
    const setup = await openRekor({ db, key, hostname: 'rekor.test', metrics: createLogMetrics(registry).forTree('rekor') });
    setups.push(setup);
    return setup;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    for (const setup of setups) await setup.close();
    await db?.close();
  });

  it('hands the tree the log key itself: on PostgreSQL the tree is written on a thread of its own', async () => {
    const { log } = await open();
    expect(log.tree.writerThread).toBe(engine === 'postgres');
    await log.createEntry(hashedrekord());
    await log.createEntry(hashedrekord());
    expect((await log.logInfo()).treeSize).toBe(2);
  });

  it('counts a proof that fails its self-check where it fails, and answers the client the generic 500', async () => {
    const writer = setups[0] as RekorSetup;
    // Entry 0's proof in the tree of size 2 is entry 1's leaf hash, read from tile 0/0: damage that hash.
    const { rows } = await sql<{ hashes: Uint8Array }>`SELECT hashes FROM log_tiles WHERE tree_id = ${writer.log.treeId} AND level = 0 AND idx = 0`.execute(db.kysely);
    const damaged = Uint8Array.from(rows[0]?.hashes ?? [], (b, i) => (i === 32 ? b ^ 0xff : b));
    await sql`UPDATE log_tiles SET hashes = ${damaged} WHERE tree_id = ${writer.log.treeId} AND level = 0 AND idx = 0`.execute(db.kysely);

    // Another process (nothing cached) reads the damaged tile.
    const registry = new Registry();
    const reader = await open(registry);
    await expect(reader.log.getEntryByIndex(0n)).rejects.toMatchObject({ name: 'RekorError', code: 'INTERNAL', status: 500 });
    expect(await failuresCounted(registry)).toBe(1);

    const { logger } = captureLogger();
    const app = createApp({ logger, registry, apis: [reader.api] });
    const res = await request(app).get('/api/v1/log/entries').query({ logIndex: 0 });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 500, message: 'Internal Server Error' });
    // One more failed proof, counted once: the request took one path.
    expect(await failuresCounted(registry)).toBe(2);
    // The proof was never sent: entry 1's proof needs no damaged hash and still verifies.
    expect((await request(app).get('/api/v1/log/entries').query({ logIndex: 1 })).status).toBe(200);
  });

  it('opens shards bound to their keys: a rotation’s new tree, the old one read only, another key refused', async () => {
    const metrics = createLogMetrics(new Registry()).forTree('rekor');
    const shards: OpenedRekorShard[] = [];
    const shard = async (privateKey: ReturnType<typeof generatePrivateKey>, treeName: string, readOnly = false) => {
      const opened = await openRekorShard({ db, hostname: 'rekor.test', metrics, key: { ...key, signer: createKeySigner(privateKey), privateKey }, treeName, readOnly });
      shards.push(opened);
      return opened;
    };
    try {
      const oldKey = generatePrivateKey('ecdsa-p256');
      const newKey = generatePrivateKey('ecdsa-p256');
      const first = await shard(oldKey, 'rekor-open-shard');
      const log = await createShardedRekorLog({ shards: [first.shard] });
      await log.createEntry(hashedrekord());
      const next = await shard(newKey, 'rekor-open-shard-next');
      await log.rotateTo(next.shard);
      await log.createEntry(hashedrekord());
      expect(rekorShardTreeName(next.logId)).toBe(`rekor-${next.logId.slice(0, 16)}`);
      expect(next.validFrom.getTime()).toBeGreaterThanOrEqual(first.validFrom.getTime());

      const reader = await shard(oldKey, 'rekor-open-shard', true);
      expect(reader.shard.tree.writerThread).toBe(false);
      expect(await reader.shard.tree.frozenSize()).toBe(1n);
      await expect(shard(newKey, 'rekor-open-shard', true)).rejects.toMatchObject({ name: 'StartError', code: 'KEY_UNUSABLE' });

      const app = createApp({ logger: captureLogger().logger, registry: new Registry(), apis: [createRekorApi(log)] });
      const info = (await request(app).get('/api/v1/log').expect(200)).body;
      expect(info).toMatchObject({ treeID: next.shard.tree.treeId.toString(), treeSize: 1, inactiveShards: [{ treeID: first.shard.tree.treeId.toString(), treeSize: 1 }] });
    } finally {
      for (const opened of shards) await opened.close();
    }
  });
});
