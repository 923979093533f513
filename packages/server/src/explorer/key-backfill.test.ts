// Older Rekor v2 entries (logged before v2 stored search keys) become searchable: their keys are removed to stand
// for such entries, the backfill restores exactly them, logs it once, and the explorer's search finds the entry.
import crypto from 'node:crypto';
import { createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';
import { sql } from '@sigbox/db';
import type { OpenedKey } from '@sigbox/keyring';
import { type TestDatabase, createTestDatabase, hashedRekordV2Request, selfSignedCert } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { createApp } from '../app.js';
import { createLogMetrics } from '../log-metrics.js';
import { type RekorV2Setup, openRekorV2 } from '../rekor-v2/open-rekor-v2.js';
import { backfillTrees, startKeyBackfill } from './key-backfill.js';

const memoryKey = (privateKey: crypto.KeyObject): OpenedKey => ({ entry: {} as OpenedKey['entry'], signer: createKeySigner(privateKey), privateKey, close: () => Promise.resolve() });

describe('startKeyBackfill', () => {
  let db: TestDatabase;
  let v2: RekorV2Setup;
  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'pglite' });
    v2 = await openRekorV2({ db, hostname: 'backfill.test', metrics: createLogMetrics(new Registry()).forTree('rekor-v2'), key: memoryKey(generatePrivateKey('ed25519')) });
  });
  afterAll(async () => {
    await v2?.close();
    await db?.close();
  });

  it('restores the keys older v2 entries lack, once', async () => {
    const capture = captureLogger();
    const app = createApp({ logger: capture.logger, apis: [v2.api] });
    const cert = await selfSignedCert({ email: 'old@example.com' });
    const artifact = encoding.utf8('logged before the explorer');
    await request(app).post('/api/v2/log/entries').send(hashedRekordV2Request(cert.key, artifact, { certificate: cert.der })).expect(201);
    const keysNow = async () => (await sql<{ key: string }>`SELECT key FROM log_entry_keys WHERE tree_id = ${v2.treeId} ORDER BY key`.execute(db.kysely)).rows.map((r) => r.key);
    const written = await keysNow();
    expect(written).toContain('old@example.com');
    await sql`DELETE FROM log_entry_keys WHERE tree_id = ${v2.treeId}`.execute(db.kysely);

    const backfill = startKeyBackfill(db, backfillTrees(v2.treeId, undefined), capture.logger);
    await backfill.finished;
    expect(await keysNow()).toEqual(written);
    expect(capture.lines().filter((l) => l.msg === 'explorer: older entries indexed for search')).toEqual([expect.objectContaining({ tree: 'rekor-v2', entries: 1 })]);

    await sql`DELETE FROM log_entry_keys WHERE tree_id = ${v2.treeId}`.execute(db.kysely);
    await startKeyBackfill(db, backfillTrees(v2.treeId, undefined), capture.logger).finished;
    expect(await keysNow()).toEqual([]); // done once: never again
  });
});
