// Rekor v1 log shards over HTTP: a key rotation opens a new tree with the new key while creates go on, the old
// tree stays readable with its own key, global indexes run across the shards, entry IDs name their tree, and a
// second process that still writes to the frozen tree moves to the new one by itself.
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Signer, createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';
import { type LogTree, openLogTree } from '@sigbox/log';
import { createNoteVerifier, isValidConsistency, isValidInclusion, openCheckpoint } from '@sigbox/merkle';
import { type LogEntryAnon, type RekorShard, type ShardedRekorLog, createShardedRekorLog, logIdHex, rekorShardTreeName, rekorTreeDescription, verifyEntryTimestamp } from '@sigbox/rekor';
import { createApp, createRekorApi } from '@sigbox/server';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { HOSTNAME, expectRekorError, keyEntry, keyPem } from './helpers/rekor.js';

interface Key {
  privateKey: ReturnType<typeof generatePrivateKey>;
  signer: Signer;
  logId: string;
}
const newKey = (): Key => {
  const privateKey = generatePrivateKey('ecdsa-p256');
  const signer = createKeySigner(privateKey);
  return { privateKey, signer, logId: logIdHex(signer.publicKey) };
};

describe.each(databaseEngines())('Rekor v1 log shards on %s', (engine) => {
  let db: TestDatabase;
  const trees: LogTree[] = [];
  const oldKey = newKey();
  const newerKey = newKey();
  const treeIdHex = (id: bigint) => id.toString(16).padStart(16, '0');
  let log: ShardedRekorLog;
  let app: ReturnType<typeof createApp>;
  let first: RekorShard;
  let second: RekorShard;

  const openShard = async (key: Key, name: string): Promise<RekorShard> => {
    const tree = await openLogTree(db, { ...rekorTreeDescription({ hostname: HOSTNAME, key: { privateKey: key.privateKey }, name }), batchMaxAgeMs: 2 });
    trees.push(tree);
    return { tree, signer: key.signer };
  };

  /** The entry as a client checks it: its shard's checkpoint and key, the proof in the shard, the SET over the global index. */
  function verify(map: unknown, shard: RekorShard, key: Key, globalIndex: number, shardIndex: number): { entryId: string; value: LogEntryAnon } {
    const [entryId, value] = Object.entries(map as Record<string, LogEntryAnon>)[0] as [string, LogEntryAnon];
    expect(entryId.slice(0, 16)).toBe(treeIdHex(shard.tree.treeId));
    expect(value.logIndex).toBe(globalIndex);
    expect(value.logID).toBe(key.logId);
    const ip = value.verification.inclusionProof;
    expect(ip.logIndex).toBe(shardIndex);
    const checkpoint = openCheckpoint(ip.checkpoint, [createNoteVerifier(HOSTNAME, key.signer.publicKey)], { rekorV1Strict: true, origin: `${HOSTNAME} - ${shard.tree.treeId}` });
    expect(encoding.toHex(checkpoint.rootHash)).toBe(ip.rootHash);
    const leafHash = encoding.fromHex(entryId.slice(16));
    const proof = ip.hashes.map((h) => encoding.fromHex(h));
    expect(isValidInclusion(BigInt(ip.logIndex), BigInt(ip.treeSize), leafHash, proof, checkpoint.rootHash)).toBe(true);
    const fields = { body: value.body, integratedTime: value.integratedTime, logID: value.logID, logIndex: value.logIndex };
    const set = encoding.fromBase64(value.verification.signedEntryTimestamp);
    expect(verifyEntryTimestamp(fields, set, key.signer.publicKey)).toBe(true);
    return { entryId, value };
  }

  const create = async (entry: unknown) => (await request(app).post('/api/v1/log/entries').send(entry as object).expect(201)).body as Record<string, LogEntryAnon>;
  const byIndex = async (index: number) => (await request(app).get('/api/v1/log/entries').query({ logIndex: index }).expect(200)).body as unknown;

  // Filled as the suite goes: entries created in the old shard, and in the new one.
  const inOld: string[] = [];
  const firstProposed = keyEntry();
  let oldSize = 0;

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    first = await openShard(oldKey, 'rekor');
    log = await createShardedRekorLog({ shards: [first] });
    app = createApp({ logger: pino({ enabled: false }), apis: [createRekorApi(log)] });
  });
  afterAll(async () => {
    for (const tree of trees) await tree.close();
    await db?.close();
  });

  it('with one shard, answers as one tree does: no inactiveShards', async () => {
    for (const entry of [firstProposed, keyEntry(), keyEntry()]) inOld.push(Object.keys(await create(entry))[0] as string);
    const info = (await request(app).get('/api/v1/log').expect(200)).body;
    expect(Object.keys(info).sort()).toEqual(['rootHash', 'signedTreeHead', 'treeID', 'treeSize']);
    expect(info.treeID).toBe(first.tree.treeId.toString());
  });

  it('rotates to a new tree and key while creates go on: none is refused, none lost', async () => {
    second = await openShard(newerKey, rekorShardTreeName(newerKey.logId));
    expect(second.tree.treeId).not.toBe(first.tree.treeId);
    const during = Array.from({ length: 12 }, () => create(keyEntry()));
    await log.rotateTo(second);
    const after = Array.from({ length: 4 }, () => create(keyEntry()));
    const created = await Promise.all([...during, ...after]);
    const frozen = await first.tree.frozenSize();
    expect(frozen).toBeDefined();
    oldSize = Number(frozen);
    expect(log.ranges()).toEqual([
      { treeId: first.tree.treeId, logId: oldKey.logId, indexOffset: 0n, frozenSize: frozen },
      { treeId: second.tree.treeId, logId: newerKey.logId, indexOffset: frozen, frozenSize: undefined },
    ]);
    // Every create landed in one shard or the other, at a distinct global index, the later ones in the new shard.
    const indexes = created.map((m) => (Object.values(m)[0] as LogEntryAnon).logIndex);
    expect(new Set(indexes).size).toBe(created.length);
    for (const m of created.slice(-4)) expect(Object.keys(m)[0]?.slice(0, 16)).toBe(treeIdHex(second.tree.treeId));
    const newSize = Number((await second.tree.latest()).size);
    expect(oldSize + newSize).toBe(3 + created.length);
    for (const m of created) {
      const [id, v] = Object.entries(m)[0] as [string, LogEntryAnon];
      if (id.startsWith(treeIdHex(first.tree.treeId))) inOld.push(id);
      expect(v.logIndex < oldSize).toBe(id.startsWith(treeIdHex(first.tree.treeId)));
    }
    expect(inOld).toHaveLength(oldSize);
  });

  it('reads every entry at its global index from its shard, proven in that shard and signed with its key', async () => {
    const total = oldSize + Number((await second.tree.latest()).size);
    for (let index = 0; index < total; index++) {
      const old = index < oldSize;
      verify(await byIndex(index), old ? first : second, old ? oldKey : newerKey, index, old ? index : index - oldSize);
    }
    await request(app).get('/api/v1/log/entries').query({ logIndex: total }).expect(404);
  });

  it('finds entries by 64-hex UUID in any shard and by 80-hex entry ID in the named tree only', async () => {
    const oldId = inOld[0] as string;
    const got = (await request(app).get(`/api/v1/log/entries/${oldId.slice(16)}`).expect(200)).body;
    expect(Object.keys(got)).toEqual([oldId]);
    verify(got, first, oldKey, 0, 0);
    expect(Object.keys((await request(app).get(`/api/v1/log/entries/${oldId}`).expect(200)).body)).toEqual([oldId]);
    // The same UUID under the other tree's ID, and under a tree the log does not have: 404.
    await request(app).get(`/api/v1/log/entries/${treeIdHex(second.tree.treeId)}${oldId.slice(16)}`).expect(404);
    await request(app).get(`/api/v1/log/entries/${treeIdHex(12345n)}${oldId.slice(16)}`).expect(404);
    const newEntry = await byIndex(oldSize);
    const newId = Object.keys(newEntry as object)[0] as string;
    expect(Object.keys((await request(app).get(`/api/v1/log/entries/${newId.slice(16)}`).expect(200)).body)).toEqual([newId]);
    // retrieve: entry IDs first, then UUIDs, then log indexes, as upstream orders them.
    const found = (await request(app).post('/api/v1/log/entries/retrieve').send({ entryUUIDs: [newId.slice(16), oldId], logIndexes: [oldSize, 0] }).expect(200)).body;
    expect(found.map((m: object) => Object.keys(m)[0])).toEqual([oldId, newId, newId, oldId]);
  });

  it('reports the frozen shard in inactiveShards, signed with its own key', async () => {
    const info = (await request(app).get('/api/v1/log').expect(200)).body;
    expect(info.treeID).toBe(second.tree.treeId.toString());
    expect(info.treeSize).toBe(Number((await second.tree.latest()).size));
    openCheckpoint(info.signedTreeHead, [createNoteVerifier(HOSTNAME, newerKey.signer.publicKey)], { rekorV1Strict: true, origin: `${HOSTNAME} - ${second.tree.treeId}` });
    expect(info.inactiveShards).toHaveLength(1);
    const [inactive] = info.inactiveShards;
    expect(Object.keys(inactive).sort()).toEqual(['rootHash', 'signedTreeHead', 'treeID', 'treeSize']);
    expect(inactive.treeID).toBe(first.tree.treeId.toString());
    expect(inactive.treeSize).toBe(oldSize);
    const checkpoint = openCheckpoint(inactive.signedTreeHead, [createNoteVerifier(HOSTNAME, oldKey.signer.publicKey)], { rekorV1Strict: true, origin: `${HOSTNAME} - ${first.tree.treeId}` });
    expect(checkpoint.size).toBe(BigInt(oldSize));
    expect(encoding.toHex(checkpoint.rootHash)).toBe(inactive.rootHash);
  });

  it('answers consistency proofs and keys of the shard named by treeID, the active one by default', async () => {
    const proof = (await request(app).get('/api/v1/log/proof').query({ firstSize: 1, lastSize: oldSize, treeID: first.tree.treeId.toString() }).expect(200)).body;
    const rootAt1 = await first.tree.rootAt(1n);
    expect(proof.rootHash).toBe(encoding.toHex(await first.tree.rootAt(BigInt(oldSize))));
    const hashes = proof.hashes.map((h: string) => encoding.fromHex(h));
    expect(isValidConsistency(1n, BigInt(oldSize), hashes, rootAt1, encoding.fromHex(proof.rootHash))).toBe(true);
    const newSize = (await second.tree.latest()).size;
    const active = (await request(app).get('/api/v1/log/proof').query({ lastSize: Number(newSize) }).expect(200)).body;
    expect(active.rootHash).toBe(encoding.toHex((await second.tree.latest()).rootHash));
    // The old shard's size is beyond neither tree here; a size beyond the old tree is refused for it.
    expectRekorError(
      await request(app).get('/api/v1/log/proof').query({ lastSize: oldSize + 1, treeID: first.tree.treeId.toString() }),
      400,
      `the tree size requested(${oldSize + 1}) was greater than what is currently observable(${oldSize})`,
    );
    expectRekorError(await request(app).get('/api/v1/log/proof').query({ lastSize: 1, treeID: '12345' }), 400, 'no log range found for tree ID 12345');

    const pem = async (treeID?: string) => (await request(app).get('/api/v1/log/publicKey').query(treeID ? { treeID } : {}).expect(200)).text;
    expect(await pem()).toBe(keyPem(newerKey.signer.publicKey));
    expect(await pem(second.tree.treeId.toString())).toBe(keyPem(newerKey.signer.publicKey));
    expect(await pem(first.tree.treeId.toString())).toBe(keyPem(oldKey.signer.publicKey));
    expectRekorError(await request(app).get('/api/v1/log/publicKey').query({ treeID: '12345' }), 400, 'Bad Request');
  });

  it('serves the C2SP tiles of the active shard', async () => {
    const text = (await request(app).get('/api/v1/log/tiles/checkpoint').expect(200)).text;
    expect(text.startsWith(`${HOSTNAME} - ${second.tree.treeId}\n`)).toBe(true);
  });

  it('takes into the new shard an entry the old shard holds (upstream dedups per tree); a search by UUID finds both', async () => {
    const uuid = (inOld[0] as string).slice(16);
    const again = await create(firstProposed);
    expect(Object.keys(again)).toEqual([`${treeIdHex(second.tree.treeId)}${uuid}`]);
    const found = (await request(app).post('/api/v1/log/entries/retrieve').send({ entryUUIDs: [uuid] }).expect(200)).body as object[];
    expect(found.map((m) => Object.keys(m)[0])).toEqual([`${treeIdHex(second.tree.treeId)}${uuid}`, inOld[0]]);
    // A 64-hex UUID reads the active shard's first.
    expect(Object.keys((await request(app).get(`/api/v1/log/entries/${uuid}`).expect(200)).body)).toEqual([`${treeIdHex(second.tree.treeId)}${uuid}`]);
    await request(app).post('/api/v1/log/entries').send(firstProposed as object).expect(409);
  });

  it('moves another process still writing to the frozen tree to the new shard (refreshShards), and freezes what it learns is old', async () => {
    // Another process: its own handles on the trees, its own sharded log, which has not heard of the rotation.
    const theirFirst = await openShard(oldKey, 'rekor');
    let refreshed = 0;
    const theirs = await createShardedRekorLog({
      shards: [theirFirst],
      refreshShards: async () => {
        refreshed += 1;
        return [theirFirst, await openShard(newerKey, rekorShardTreeName(newerKey.logId))];
      },
    });
    const [id] = Object.keys((await theirs.createEntry(keyEntry())).entry);
    expect(refreshed).toBe(1);
    expect(id?.slice(0, 16)).toBe(treeIdHex(second.tree.treeId));
    expect(theirs.ranges().map((r) => r.indexOffset)).toEqual([0n, BigInt(oldSize)]);
    // Both processes answer the same entry at the same global index.
    const index = BigInt(oldSize) + (await second.tree.latest()).size - 1n;
    expect(Object.keys((await log.getEntryByIndex(index)) ?? {})).toEqual([id]);
    // (Each process signs its own SET: ECDSA signatures differ, the signed fields do not.)
    const theirEntry = JSON.parse(encoding.fromUtf8((await theirs.getEntryTextByIndex(index)) ?? new Uint8Array())) as unknown;
    verify(theirEntry, second, newerKey, Number(index), Number(index) - oldSize);
  });
});
