// The composition root's part in the Rekor v2 log: the origin is decided once (a later hostname does not rename the
// tree), the key is bound to its tree, and a key held in an HSM (SoftHSM, CKM_EDDSA) signs the checkpoints the
// answers carry.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';
import { type OpenedKey, createKey, openKey } from '@sigbox/keyring';
import { createNoteVerifier, noteKeyId, openCheckpoint } from '@sigbox/merkle';
import { type TransparencyLogEntryJson } from '@sigbox/rekor';
import { createSoftHsmToken, createTestDatabase, hashedRekordV2Request, softHsmLibrary, testKey, type TestDatabase } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { createLogMetrics } from '../log-metrics.js';
import { StartError } from '../error.js';
import { type RekorV2Setup, openRekorV2 } from './open-rekor-v2.js';

const metrics = () => createLogMetrics(new Registry()).forTree('rekor-v2');
const memoryKey = (privateKey: crypto.KeyObject): OpenedKey => ({ entry: {} as OpenedKey['entry'], signer: createKeySigner(privateKey), privateKey, close: () => Promise.resolve() });
const signer = testKey('ecdsa-p256');

async function appendOne(setup: RekorV2Setup): Promise<TransparencyLogEntryJson> {
  const app = createApp({ logger: captureLogger().logger, apis: [setup.api] });
  const res = await request(app).post('/api/v2/log/entries').send(hashedRekordV2Request(signer, crypto.randomBytes(16)));
  expect(res.status).toBe(201);
  return res.body as TransparencyLogEntryJson;
}

describe('opening the Rekor v2 log', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'pglite' });
  });
  afterAll(() => db.close());

  it('keeps the origin of the tree it created, and refuses another key for it', async () => {
    const privateKey = generatePrivateKey('ed25519');
    const first = await openRekorV2({ db, hostname: 'log2026-1.sigbox.test', metrics: metrics(), key: memoryKey(privateKey) });
    expect(first.origin).toBe('log2026-1.sigbox.test');
    expect(first.logId).toBe(encoding.toHex(noteKeyId('log2026-1.sigbox.test', crypto.createPublicKey(privateKey))));
    const tle = await appendOne(first);
    expect(openCheckpoint(tle.inclusionProof.checkpoint.envelope, [createNoteVerifier('log2026-1.sigbox.test', crypto.createPublicKey(privateKey))]).origin).toBe('log2026-1.sigbox.test');
    await first.close();

    const again = await openRekorV2({ db, hostname: 'renamed.sigbox.test', metrics: metrics(), key: memoryKey(privateKey) });
    expect(again.origin).toBe('log2026-1.sigbox.test');
    expect(again.validFrom).toEqual(first.validFrom);
    await again.close();

    await expect(openRekorV2({ db, hostname: 'log2026-1.sigbox.test', metrics: metrics(), key: memoryKey(generatePrivateKey('ed25519')) })).rejects.toBeInstanceOf(StartError);
  });

  const library = softHsmLibrary();
  it.skipIf(!library)('signs checkpoints with an Ed25519 key held in an HSM', async () => {
    const token = await createSoftHsmToken(library!, { label: 'sigbox-v2' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-v2-hsm-'));
    const hsmDb = await createTestDatabase({ engine: 'pglite' });
    try {
      const hsm = { module: token.module, tokenLabel: token.tokenLabel };
      const entry = await createKey(dir, hsm, { name: 'rekor-v2-1', role: 'rekor-v2', algorithm: 'ed25519', custody: 'hsm' }, { pin: token.pin });
      const key = await openKey(dir, hsm, entry, { pin: token.pin });
      expect(key.privateKey).toBeUndefined();
      const setup = await openRekorV2({ db: hsmDb, hostname: 'hsm.sigbox.test', metrics: metrics(), key });
      try {
        const tle = await appendOne(setup);
        const checkpoint = openCheckpoint(tle.inclusionProof.checkpoint.envelope, [createNoteVerifier('hsm.sigbox.test', key.signer.publicKey)]);
        expect(checkpoint.size).toBe(BigInt(tle.inclusionProof.treeSize));
      } finally {
        await setup.close();
        await key.close();
      }
    } finally {
      await hsmDb.close();
      fs.rmSync(dir, { recursive: true, force: true });
      token.remove();
    }
  });
});
