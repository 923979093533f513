import { type Signer, createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';

const utf8 = encoding.utf8;
import {
  createMemoryTileStore,
  createNoteVerifier,
  hashLeaf,
  integrate,
  isValidConsistency,
  isValidInclusion,
  openCheckpoint,
  tileToBytes,
} from '@sigbox/merkle';
import type { Engine } from '@sigbox/db';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogError } from './errors.js';
import { type LogTree, openLogTree } from './log-tree.js';
import type { OpenTreeOptions } from './tree-options.js';
import { sequenceBatch } from './sequencer.js';
import type { LogDb } from './storage.js';
import type { LogTables } from './tables.js';

// The checkpoint key in memory, as the server loads it: a writer thread can sign with it too.
const privateKey = generatePrivateKey('ecdsa-p256');
const verifier = createNoteVerifier('log.example', privateKey);

function options(name: string, extra: Partial<OpenTreeOptions> = {}): OpenTreeOptions {
  return { name, origin: (id) => `log.example - ${id}`, signers: [{ name: 'log.example', privateKey }], batchMaxAgeMs: 2, ...extra };
}

/** The root and tiles an independent in-memory build gives for the same leaves. */
function referenceTree(leaves: Uint8Array[]) {
  const store = createMemoryTileStore();
  const result = integrate(0n, leaves.map(hashLeaf), store.readTile);
  store.writeTiles(result.tiles);
  return { root: result.root, store };
}

/** PostgreSQL runs both writers: on a thread of its own (the default) and on the thread that opened the tree. */
const variants = databaseEngines().flatMap<{ engine: Engine; writerThread: boolean; label: string }>((engine) =>
  engine === 'postgres'
    ? [
        { engine, writerThread: true, label: 'postgres, writer thread' },
        { engine, writerThread: false, label: 'postgres, writer on the opening thread' },
      ]
    : [{ engine, writerThread: false, label: engine }],
);

describe.each(variants)('log engine on $label', ({ engine, writerThread }) => {
  const treeOptions = (name: string, extra: Partial<OpenTreeOptions> = {}) => options(name, { writerThread, ...extra });
  let db: TestDatabase;
  let tree: LogTree;
  const added: Uint8Array[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    tree = await openLogTree(db, treeOptions('main'));
  });
  afterAll(async () => {
    await tree?.close();
    await db?.close();
  });

  it('creates the tree with a positive int64 ID, its origin and a signed empty checkpoint', async () => {
    expect(tree.writerThread).toBe(writerThread);
    expect(tree.treeId > 0n && tree.treeId < 2n ** 63n).toBe(true);
    expect(tree.origin).toBe(`log.example - ${tree.treeId}`);
    const latest = await tree.latest();
    expect(latest.size).toBe(0n);
    const cp = openCheckpoint(latest.checkpoint, [verifier]);
    expect(cp.origin).toBe(tree.origin);
    expect(encoding.toHex(cp.rootHash)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('acknowledges an entry only once integrated, with a proof that verifies against a signed checkpoint', async () => {
    const data = utf8('first');
    const result = await tree.add({ data });
    added.push(data);
    expect(result).toMatchObject({ index: 0n, duplicate: false });
    expect(result.checkpoint.size).toBeGreaterThanOrEqual(1n);
    const cp = openCheckpoint(result.checkpoint.checkpoint, [verifier]);
    expect(cp.size).toBe(result.checkpoint.size);
    const proof = await tree.proveInclusion(result.index, result.leafHash, result.checkpoint);
    expect(isValidInclusion(0n, cp.size, hashLeaf(data), proof, cp.rootHash)).toBe(true);
    expect(result.integratedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('gives concurrent writers unique, gapless indices and the same tree an in-memory build gives', async () => {
    const batch = Array.from({ length: 700 }, (_, i) => utf8(`entry ${i}`));
    const results = await Promise.all(batch.map((data) => tree.add({ data, keys: [`k${added.length % 3}`] })));
    added.push(...batch);
    const indices = results.map((r) => r.index).sort((a, b) => (a < b ? -1 : 1));
    expect(indices).toEqual(Array.from({ length: 700 }, (_, i) => BigInt(i + 1)));
    for (const r of results.slice(0, 50)) {
      const proof = await tree.proveInclusion(r.index, r.leafHash, r.checkpoint);
      expect(isValidInclusion(r.index, r.checkpoint.size, r.leafHash, proof, r.checkpoint.rootHash)).toBe(true);
    }
    const latest = await tree.latest();
    expect(latest.size).toBe(BigInt(added.length));
    const ordered = (await tree.entries(0n, latest.size)).map((e) => e.data);
    const ref = referenceTree(ordered);
    expect(latest.rootHash).toEqual(ref.root);
    expect(ordered.map((d) => encoding.toHex(d)).sort()).toEqual(added.map((d) => encoding.toHex(d)).sort());
  });

  it('serves tiles equal to the reference build, cut to the width of any integrated size', async () => {
    const latest = await tree.latest();
    const ref = referenceTree((await tree.entries(0n, latest.size)).map((e) => e.data));
    const full = ref.store.readTile(0, 0n);
    expect(await tree.tile(0, 0n, 256)).toEqual(tileToBytes(full!));
    expect((await tree.tile(0, 0n, 5))?.length).toBe(5 * 32);
    const level1 = ref.store.readTile(1, 0n)!;
    expect(await tree.tile(1, 0n, level1.hashes.length)).toEqual(tileToBytes(level1));
    expect(await tree.tile(1, 0n, level1.hashes.length + 1)).toBeUndefined();
    expect(await tree.tile(0, 99n, 1)).toBeUndefined();
  });

  it('computes past roots from tiles, and serves entry bundles and leaf hashes', async () => {
    const latest = await tree.latest();
    const stored = (await tree.entries(0n, latest.size)).map((e) => e.data);
    expect(await tree.rootAt(latest.size)).toEqual(latest.rootHash);
    expect(await tree.rootAt(300n)).toEqual(referenceTree(stored.slice(0, 300)).root);
    expect((await tree.checkpointAt(1n))?.rootHash).toEqual(await tree.rootAt(1n));
    const bundle = await tree.entryBundle(0n, 3);
    const expected = stored.slice(0, 3).flatMap((d) => [d.length >> 8, d.length & 0xff, ...d]);
    expect(bundle).toEqual(new Uint8Array(expected));
    expect(await tree.entryBundle(5n, 1)).toBeUndefined();
    const hashes = await tree.leafHashesAt([0n, 2n, 10_000n]);
    expect([...hashes.keys()].sort()).toEqual([0n, 2n]);
    expect(hashes.get(2n)).toEqual(hashLeaf(stored[2]!));
  });

  it('proves consistency between every pair of stored checkpoints it is asked about', async () => {
    const latest = await tree.latest();
    const early = await tree.checkpointAt(1n);
    expect(early).toBeDefined();
    const proof = await tree.consistencyProof(1n, latest.size);
    expect(isValidConsistency(1n, latest.size, proof, early!.rootHash, latest.rootHash)).toBe(true);
    await expect(tree.consistencyProof(0n, latest.size)).rejects.toBeInstanceOf(LogError);
    await expect(tree.consistencyProof(2n, latest.size + 10n)).rejects.toMatchObject({ code: 'SIZE_OUT_OF_RANGE' });
  });

  it('answers a duplicate with the original index, inside one batch and across batches', async () => {
    const data = utf8('dup');
    const [a, b] = await Promise.all([tree.add({ data }), tree.add({ data })]);
    expect(a!.index).toBe(b!.index);
    expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
    const c = await tree.add({ data });
    expect(c).toMatchObject({ index: a!.index, duplicate: true });
    expect(await tree.findByLeafHash(hashLeaf(data))).toBe(a!.index);
    added.push(data);
  });

  it('lets the personality decide identity, and finds entries by search key', async () => {
    const one = await tree.add({ data: utf8('ct leaf, time 1'), identity: utf8('chain-x'), keys: ['email:a@example.com'] });
    const two = await tree.add({ data: utf8('ct leaf, time 2'), identity: utf8('chain-x') });
    expect(two).toMatchObject({ index: one.index, duplicate: true });
    expect(await tree.findByIdentity(utf8('chain-x'))).toBe(one.index);
    expect(await tree.findByKeys(['email:a@example.com', 'nothing'], { match: 'any', limit: 10 })).toEqual([one.index]);
    expect(await tree.findByKeys(['email:a@example.com', 'nothing'], { match: 'all', limit: 10 })).toEqual([]);
    added.push(utf8('ct leaf, time 1'));
  });

  it('intersects or unites search keys in the database, newest first, at most the limit', async () => {
    const a = await tree.add({ data: utf8('keyed a'), keys: ['k:shared', 'k:a'] });
    const b = await tree.add({ data: utf8('keyed b'), keys: ['k:shared', 'k:b'] });
    const c = await tree.add({ data: utf8('keyed c'), keys: ['k:shared', 'k:a', 'k:b'] });
    added.push(utf8('keyed a'), utf8('keyed b'), utf8('keyed c'));
    const find = (keys: string[], match: 'all' | 'any', limit = 10) => tree.findByKeys(keys, { match, limit });
    expect(await find(['k:shared'], 'any')).toEqual([c.index, b.index, a.index]);
    expect(await find(['k:a', 'k:b'], 'any')).toEqual([c.index, b.index, a.index]);
    expect(await find(['k:a', 'k:b'], 'all')).toEqual([c.index]);
    expect(await find(['k:shared', 'k:a', 'k:a'], 'all')).toEqual([c.index, a.index]); // a repeated key is required once
    expect(await find(['k:shared'], 'any', 2)).toEqual([c.index, b.index]);
    expect(await find(['k:shared', 'k:b'], 'all', 1)).toEqual([c.index]);
    expect(await find([], 'all')).toEqual([]);
  });

  it('keeps a personality’s extra bytes beside the leaf without hashing them', async () => {
    const data = utf8('leaf with extra');
    const extra = new Uint8Array([0, 1, 2, 255]);
    const added = await tree.add({ data, extra });
    expect(added.leafHash).toEqual(hashLeaf(data));
    expect(await tree.entry(added.index)).toMatchObject({ data, extra });
    expect((await tree.entry(0n))?.extra).toBeUndefined();
    expect(await tree.entries(added.index, added.index + 1n)).toEqual([{ index: added.index, data, leafHash: hashLeaf(data), extra }]);
  });

  it('reads an entry with the time of the checkpoint that first covered it, in one query', async () => {
    const added = await tree.add({ data: utf8('timed entry') });
    const read = await tree.integratedEntry(added.index);
    expect(read).toMatchObject({ index: added.index, data: utf8('timed entry'), integratedAt: added.integratedAt });
    expect(await tree.integratedAt(added.index)).toEqual(added.integratedAt);
    expect(await tree.integratedEntry((await tree.latest()).size + 5n)).toBeUndefined();
  });

  it('reads a range of entries with the same integration times as one by one, cut at the integrated size', async () => {
    // Three rounds, so the range spans several covering checkpoints.
    for (let round = 0; round < 3; round++) await Promise.all([0, 1, 2].map((i) => tree.add({ data: utf8(`range ${round}.${i}`) })));
    const { size } = await tree.latest();
    const from = size - 9n;
    const range = await tree.integratedEntries(from, size + 10n);
    expect(range.map((e) => e.index)).toEqual(Array.from({ length: 9 }, (_, i) => from + BigInt(i)));
    for (const entry of range) expect(entry).toEqual(await tree.integratedEntry(entry.index));
    expect(new Set(range.map((e) => e.integratedAt.getTime())).size).toBeGreaterThan(1);
    expect(await tree.integratedEntries(size, size + 5n)).toEqual([]);
  });

  it('takes a leaf hash its caller computed as given, without hashing the data again', async () => {
    const given = await openLogTree(db, treeOptions('given-leaf-hash'));
    const data = utf8('hashed by the personality');
    const right = await given.add({ data, leafHash: hashLeaf(data) });
    expect(right.leafHash).toEqual(hashLeaf(data));
    // What the engine stores and integrates is the hash it was handed: a second hash of the data would have
    // replaced this one (which is why only a hash of the very bytes may be passed).
    const other = hashLeaf(utf8('some other leaf'));
    const trusted = await given.add({ data: utf8('a leaf with a foreign hash'), leafHash: other });
    expect((await given.leafHashesAt([trusted.index])).get(trusted.index)).toEqual(other);
    const latest = await given.latest();
    expect(latest.rootHash).toEqual(integrate(0n, [hashLeaf(data), other], createMemoryTileStore().readTile).root);
    await given.close();
  });

  it('tells its hook about an inclusion proof that fails its self-check, and never returns the proof', async () => {
    let failures = 0;
    const checked = await openLogTree(db, treeOptions('self-check', { onProofSelfCheckFailed: () => void failures++ }));
    const added = await checked.add({ data: utf8('proven') });
    await checked.add({ data: utf8('neighbour') });
    const state = await checked.latest();
    expect(await checked.proveInclusion(added.index, added.leafHash, state)).toHaveLength(1);
    expect(failures).toBe(0);
    // A proof for another leaf than the one at the index does not lead to the checkpoint's root.
    await expect(checked.proveInclusion(added.index, hashLeaf(utf8('not the leaf')), state)).rejects.toMatchObject({ code: 'PROOF_SELF_CHECK_FAILED' });
    expect(failures).toBe(1);
    await checked.close();
  });

  it('refuses oversized entries and changes nothing', async () => {
    const before = await tree.latest();
    await expect(tree.add({ data: new Uint8Array(65_536) })).rejects.toMatchObject({ code: 'ENTRY_TOO_LARGE' });
    expect((await tree.latest()).size).toBe(before.size);
  });

  it('pushes back past its queue bound without losing or duplicating what it accepted', async () => {
    const small = await openLogTree(db, treeOptions('pushback', { maxPending: 8, batchSize: 4 }));
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => small.add({ data: utf8(`p${i}`) })));
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(ok.length).toBeGreaterThanOrEqual(8);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      // A writer thread's refusal crosses back as the same error class: the edge maps it to 503 by class and code.
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(LogError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'PUSHBACK' });
    }
    expect((await small.latest()).size).toBe(BigInt(ok.length));
    await small.close();
  });

  it('reopens the same tree with the same ID and origin, and keeps separate trees apart', async () => {
    const again = await openLogTree(db, treeOptions('main', { origin: () => 'must not be used' }));
    expect(again.treeId).toBe(tree.treeId);
    expect(again.origin).toBe(tree.origin);
    const other = await openLogTree(db, treeOptions('other'));
    expect(other.treeId).not.toBe(tree.treeId);
    expect((await other.add({ data: utf8('first') })).index).toBe(0n);
    await other.close();
    await again.close();
  });

  it('sequences without waiting for integration, and integrates what it sequenced', async () => {
    const quick = await openLogTree(db, treeOptions('sequence-only'));
    const data = [utf8('s0'), utf8('s1'), utf8('s2')];
    const sequenced = await Promise.all(data.map((d) => quick.sequence({ data: d })));
    expect(sequenced.map((s) => s.index).sort()).toEqual([0n, 1n, 2n]);
    expect(sequenced.every((s) => !s.duplicate)).toBe(true);
    expect(sequenced[1]?.leafHash).toEqual(hashLeaf(data[1] as Uint8Array));
    const again = await quick.sequence({ data: data[1] as Uint8Array });
    expect(again).toMatchObject({ index: sequenced[1]?.index, duplicate: true });
    await quick.integrate();
    const latest = await quick.latest();
    expect(latest.size).toBe(3n);
    const inOrder = [...sequenced].sort((a, b) => Number(a.index - b.index)).map((s) => data[sequenced.indexOf(s)] as Uint8Array);
    expect(latest.rootHash).toEqual(referenceTree(inOrder).root);
    await quick.close();
  });

  it('signs each checkpoint with every key it was handed, on whichever thread writes the tree', async () => {
    const witnessKey = generatePrivateKey('ed25519');
    const signers = [
      { name: 'log.example', privateKey },
      { name: 'witness.example', privateKey: witnessKey },
    ];
    const cosigned = await openLogTree(db, treeOptions('two-keys', { signers }));
    // On PostgreSQL the keys went to the writer thread as given: it signed what this test verifies.
    expect(cosigned.writerThread).toBe(writerThread);
    await cosigned.add({ data: utf8('cosigned') });
    const opened = openCheckpoint((await cosigned.latest()).checkpoint, [verifier, createNoteVerifier('witness.example', witnessKey)]);
    expect(opened.size).toBe(1n);
    expect(opened.verifiedBy.map((v) => v.name).sort()).toEqual(['log.example', 'witness.example']);
    await cosigned.close();
  });

  it('keeps the writer on this thread when a checkpoint key is out of its reach (an HSM)', async () => {
    // A signer that only signs, as an HSM's does: no private key to hand to another thread.
    const inMemory = createKeySigner(privateKey);
    const hsmLike: Signer = { algorithm: inMemory.algorithm, publicKey: inMemory.publicKey, sign: (data) => inMemory.sign(data) };
    const held = await openLogTree(db, treeOptions('key-held-elsewhere', { signers: [{ name: 'log.example', signer: hsmLike }] }));
    expect(held.writerThread).toBe(false);
    expect((await held.add({ data: utf8('signed on this thread') })).index).toBe(0n);
    expect(openCheckpoint((await held.latest()).checkpoint, [verifier]).size).toBe(1n);
    await held.close();
  });

  it('refuses entries once closed, after finishing the ones it took', async () => {
    const closing = await openLogTree(db, treeOptions('closing'));
    const taken = closing.add({ data: utf8('taken before close') });
    await closing.close();
    expect((await taken).index).toBe(0n);
    await expect(closing.add({ data: utf8('after close') })).rejects.toMatchObject({ code: 'CLOSED' });
    expect((await closing.latest()).size).toBe(1n);
  });

  it('integrates entries left sequenced by a crash before it takes new writes', async () => {
    const crashed = await openLogTree(db, treeOptions('crash'));
    await crashed.add({ data: utf8('before crash') });
    await crashed.close();
    // The crash: a batch committed by the sequencer, then the process died before integrating it.
    const kysely = db.kysely.withTables<LogTables>() as unknown as LogDb;
    const orphans = [utf8('orphan 1'), utf8('orphan 2')].map((data) => ({ data, leafHash: hashLeaf(data), identity: hashLeaf(data), keys: [] }));
    await sequenceBatch(kysely, crashed.treeId, orphans, () => new Date());
    expect((await crashed.latest()).size).toBe(1n);
    const restarted = await openLogTree(db, treeOptions('crash'));
    const latest = await restarted.latest();
    expect(latest.size).toBe(3n);
    expect(latest.rootHash).toEqual(referenceTree([utf8('before crash'), utf8('orphan 1'), utf8('orphan 2')]).root);
    await restarted.close();
  });
});
