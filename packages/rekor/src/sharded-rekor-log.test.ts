// The sharded log's switching, on real trees: creates queued in the active tree when it is frozen are retried on the
// new shard, a restarted process serves the frozen shard read only, and shard lists that rewrite history are refused.
import { createKeySigner, generatePrivateKey } from '@sigbox/core';
import { type LogTree, type TreeEngineOptions, openLogTree } from '@sigbox/log';
import { type TestDatabase, createTestDatabase, databaseEngines, hashedrekord, keyPem, signArtifact, testKey } from '@sigbox/testkit';
import { encoding } from '@sigbox/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdHex } from './entry-id.js';
import { RekorError } from './errors.js';
import { rekorShardTreeName, rekorTreeDescription } from './rekor-tree.js';
import { type RekorShard, createShardedRekorLog } from './sharded-rekor-log.js';

const entryKey = testKey('ecdsa-p256');
let counter = 0;
const entry = () => {
  const artifact = encoding.utf8(`sharded ${++counter} ${Math.random()}\n`);
  return hashedrekord(signArtifact(entryKey, artifact, 'sha256'), keyPem(entryKey.publicKey), 'sha256', artifact);
};

describe.each(databaseEngines())('a sharded Rekor log on %s', (engine) => {
  let db: TestDatabase;
  const trees: LogTree[] = [];
  const open = async (privateKey: ReturnType<typeof generatePrivateKey>, name: string, engineOptions: TreeEngineOptions = {}): Promise<RekorShard> => {
    const tree = await openLogTree(db, { ...rekorTreeDescription({ hostname: 'rekor.test', key: { privateKey }, name }), ...engineOptions });
    trees.push(tree);
    return { tree, signer: createKeySigner(privateKey) };
  };
  const nameFor = (privateKey: ReturnType<typeof generatePrivateKey>) => rekorShardTreeName(logIdHex(createKeySigner(privateKey).publicKey));

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    for (const tree of trees) await tree.close();
    await db?.close();
  });

  it('retries on the new shard the creates the freeze refused: every one succeeds, the refused ones in the new tree', async () => {
    const oldKey = generatePrivateKey('ecdsa-p256');
    const newKey = generatePrivateKey('ecdsa-p256');
    // A long linger keeps the creates queued in the old tree's batcher until the freeze has committed.
    const first = await open(oldKey, 'rekor-retry-old', { batchMaxAgeMs: 400, batchQuietMs: 0, writerThread: false });
    const log = await createShardedRekorLog({ shards: [first] });
    const second = await open(newKey, nameFor(newKey));
    const creates = Array.from({ length: 5 }, () => log.createEntry(entry()));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await log.rotateTo(second);
    const created = await Promise.all(creates);
    expect(await first.tree.frozenSize()).toBe(0n);
    const prefix = second.tree.treeId.toString(16).padStart(16, '0');
    for (const c of created) expect(c.entryId.startsWith(prefix)).toBe(true);
    expect(created.map((c) => Object.values(c.entry)[0]?.logIndex).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('serves a frozen shard opened read only after a restart, and its entries at their global indexes', async () => {
    const oldKey = generatePrivateKey('ecdsa-p256');
    const newKey = generatePrivateKey('ecdsa-p256');
    const first = await open(oldKey, 'rekor-restart-old');
    const log = await createShardedRekorLog({ shards: [first] });
    const old = await log.createEntry(entry());
    await log.rotateTo(await open(newKey, nameFor(newKey)));
    const fresh = await log.createEntry(entry());

    // Another process starting now: the frozen tree without a writer, the active one as usual.
    const restarted = await createShardedRekorLog({
      shards: [await open(oldKey, 'rekor-restart-old', { readOnly: true }), await open(newKey, nameFor(newKey))],
    });
    expect(restarted.ranges().map((r) => [r.indexOffset, r.frozenSize])).toEqual([
      [0n, 1n],
      [1n, undefined],
    ]);
    expect(Object.keys((await restarted.getEntryByIndex(0n)) ?? {})).toEqual([old.entryId]);
    expect(Object.keys((await restarted.getEntryByIndex(1n)) ?? {})).toEqual([fresh.entryId]);
    expect(Object.keys((await restarted.getEntryByRef(old.entryId.slice(16))) ?? {})).toEqual([old.entryId]);
    expect(await restarted.getEntryByIndex(2n)).toBeUndefined();
    expect((await restarted.logInfo()).inactiveShards?.map((s) => s.treeID)).toEqual([first.tree.treeId.toString()]);
  });

  it('refuses a shard list that does not extend the one it serves, and an empty one', async () => {
    const key = generatePrivateKey('ecdsa-p256');
    const shard = await open(key, 'rekor-refusals');
    const log = await createShardedRekorLog({ shards: [shard] });
    const other = await open(generatePrivateKey('ecdsa-p256'), 'rekor-refusals-other');
    await expect(log.setShards([other, shard])).rejects.toBeInstanceOf(RekorError);
    await expect(createShardedRekorLog({ shards: [] })).rejects.toBeInstanceOf(RekorError);
    // Nothing was frozen by the refused list.
    expect(await other.tree.frozenSize()).toBeUndefined();
    expect(log.ranges().map((r) => r.treeId)).toEqual([shard.tree.treeId]);
  });
});
