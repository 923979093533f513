import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PUBLIC_FILE_MODE, addKeys, createKey, keyNamed, loadKeyring, openKey, writeNewFile } from '@sigbox/keyring';
import { createTestDatabase, type TestDatabase } from '@sigbox/testkit';
import { encoding } from '@sigbox/core';
import { type RoleName, type SignedDocument, buildRoot, signMetadata, signRoot, toMetadata, verifyThreshold } from '@sigbox/tuf';
import type { Root } from '@tufjs/models';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { type BoxKeys, openBoxKeys } from '../trust/box-keys.js';
import { initKeyring } from '../trust/init-keyring.js';
import { roleOf } from './tuf-keys.js';
import { rootFile } from './tuf-root.js';
import { type TufService, createTufService } from './tuf-service.js';
import { type TufStore, createTufStore } from './tuf-store.js';

const secrets = { passphrase: 'tuf-service-test' };
const target = (text: string) => [{ name: 'trusted_root.json', bytes: encoding.utf8(text) }];

/** The public keys root `doc` names for `role`, as KeyObjects buildRoot takes. */
function namedKeys(doc: SignedDocument, role: RoleName) {
  const root = toMetadata(doc).signed as Root;
  return roleOf(doc, role).keyIds.map((id) => createPublicKey((root.keys[id]?.keyVal as { public: string }).public));
}

describe('the TUF service after a root rotates the online keys', () => {
  let parent: string;
  let db: TestDatabase;
  let keys: BoxKeys;
  let store: TufStore;
  let service: TufService;
  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'sigbox-tuf-service-'));
    await initKeyring({ dir: path.join(parent, 'keys'), custody: { kind: 'file' }, secrets, ca: { subject: { organization: 't', commonName: 't' }, algorithm: 'ecdsa-p256' }, tufRootKeys: 1 });
    db = await createTestDatabase();
    keys = openBoxKeys({ keyring: await loadKeyring(path.join(parent, 'keys')), secrets, allowPlaintext: false });
    store = createTufStore(db);
    service = createTufService({ store, keys, logger: captureLogger().logger, registry: new Registry() });
  }, 60_000);
  afterAll(async () => {
    await keys?.close();
    await db?.close();
    await rm(parent, { recursive: true, force: true });
  });

  it('signs with the keys the served root names, and re-signs snapshot and timestamp at once when a new root names new ones', async () => {
    const dir = path.join(parent, 'keys');
    await service.sync(target('one'));
    const root1 = (await store.latest('root')) as SignedDocument;
    expect(root1.version).toBe(1);

    // A ceremony makes the next timestamp key: keyring.json names it before any root does.
    const made = await createKey(dir, undefined, { name: 'tuf-timestamp-2', role: 'tuf-timestamp', algorithm: 'ecdsa-p256', custody: 'file' }, secrets);
    await addKeys(dir, [made]);
    await service.sync(target('two')); // a targets change: new snapshot and timestamp
    const timestamp2 = (await store.latest('timestamp')) as SignedDocument;
    expect(timestamp2.version).toBe(2);
    // Still the key root 1 names: a client holding root 1 would refuse the new key's signature.
    expect(() => verifyThreshold(timestamp2, root1)).not.toThrow();

    // Root 2 names the new timestamp key; nothing else is due, yet timestamp 3 follows at once.
    const rootKey = await openKey(dir, undefined, keyNamed(await loadKeyring(dir), 'tuf-root-1'), secrets);
    const next = buildRoot({
      version: 2,
      expires: new Date(Date.now() + 86_400_000 * 100),
      roles: {
        root: { keys: namedKeys(root1, 'root'), threshold: 1 },
        targets: { keys: namedKeys(root1, 'targets'), threshold: 1 },
        snapshot: { keys: namedKeys(root1, 'snapshot'), threshold: 1 },
        timestamp: { keys: [createPublicKey(made.publicKey)], threshold: 1 },
      },
    });
    const root2 = await signRoot(next, { previous: root1, oldRootSigners: [rootKey.signer], newRootSigners: [rootKey.signer] });
    await writeNewFile(rootFile({ dir }, 2), Buffer.from(root2.bytes).toString('utf8'), PUBLIC_FILE_MODE);
    const snapshotBefore = (await store.latest('snapshot')) as SignedDocument;
    await service.sync(target('two'));
    expect((await store.latest('root'))?.version).toBe(2);
    const timestamp3 = (await store.latest('timestamp')) as SignedDocument;
    expect(timestamp3.version).toBe(3);
    expect(() => verifyThreshold(timestamp3, root2)).not.toThrow();
    expect(() => verifyThreshold(timestamp3, root1)).toThrow(/signed by 0\/1 keys/);
    // The snapshot key did not change: the snapshot is kept, and the targets too.
    expect((await store.latest('snapshot'))?.version).toBe(snapshotBefore.version);
    expect((await store.latest('targets'))?.version).toBe(2);
    // Idempotent once done.
    await service.sync(target('two'));
    expect((await store.latest('timestamp'))?.version).toBe(3);
  }, 60_000);

  it('keeps serving and refreshing when a ceremony root cannot be published (short of signatures, half copied)', async () => {
    const dir = path.join(parent, 'keys');
    const root2 = (await store.latest('root')) as SignedDocument;
    const unsigned = await signMetadata(toMetadata({ role: 'root', json: { ...root2.json, signed: { ...(root2.json.signed as object), version: 3 } } }), []);
    await writeNewFile(rootFile({ dir }, 3), Buffer.from(unsigned.bytes).toString('utf8'), PUBLIC_FILE_MODE);
    const log = captureLogger();
    const watched = createTufService({ store, keys, logger: log.logger, registry: new Registry() });
    await watched.sync(target('three'));
    await watched.sync(target('three'));
    expect((await store.latest('root'))?.version).toBe(2);
    expect((await store.latest('targets'))?.version).toBe(3);
    expect((await store.latest('timestamp'))?.version).toBe(4);
    const refusals = log.lines().filter((l) => l.msg === `a TUF root in ${dir}/tuf cannot be published: still serving root v2`);
    expect(refusals).toHaveLength(1); // said once, not at every round
    expect(refusals[0]?.reason).toMatch(/root v3: root was signed by 0\/1 keys/);
  });
});
