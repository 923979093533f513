// The follower against a real HTTP tlog-tiles log whose key the test holds, made to misbehave on purpose.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import { createNoteSigner, signCheckpoint } from '@sigbox/merkle';
import { type TilesLogServer, buildTilesLogTree, startTilesLogServer } from '@sigbox/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MonitorAlert } from './alert.js';
import { createCheckpointVerifier } from './checkpoint-verifier.js';
import { type FollowDeps, MAX_HELD_ENTRY_ALERTS, followOnce } from './follower.js';
import { type StateStore, createFileStateStore } from './state-store.js';
import { createTilesReader } from './tiles-reader.js';

const entries = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => encoding.utf8(`{"entry":"${tag}${i}"}`));

describe('followOnce on a tlog-tiles log', () => {
  let log: TilesLogServer;
  let dir: string;
  let store: StateStore;
  let raised: MonitorAlert[];
  let deps: FollowDeps;

  beforeAll(async () => {
    log = await startTilesLogServer({ origin: 'tiles.test/log' });
  });
  afterAll(() => log.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-follow-'));
    const reader = createTilesReader({ prefix: log.url });
    store = createFileStateStore(path.join(dir, 'state.json'), reader.url);
    raised = [];
    deps = {
      reader,
      verify: createCheckpointVerifier({ keys: [{ name: log.origin, publicKey: log.signer.publicKey }], origin: log.origin }),
      store,
      raise: async (alerts) => void raised.push(...alerts),
      checkEntry: (entry) => (encoding.fromUtf8(entry.leaf).includes('"bad') ? [{ id: `e${entry.index}`, kind: 'identity', rule: 'r', source: 's', message: 'm', details: {} }] : []),
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('catches up from nothing, proves every entry, keeps the head, then follows growth', async () => {
    await log.serve(buildTilesLogTree(entries(1000)));
    expect(await followOnce(deps)).toMatchObject({ size: 1000n, checked: 1000n, alerts: [] });
    expect((await store.load())?.head.signed).toBe(log.checkpoint());
    expect(await followOnce(deps)).toMatchObject({ size: 1000n, checked: 0n });
    const grown = [...entries(1000), ...entries(300, 'bad')];
    await log.serve(buildTilesLogTree(grown));
    const round = await followOnce(deps);
    expect(round).toMatchObject({ size: 1300n, checked: 300n });
    expect(round.alerts).toHaveLength(300);
    expect(raised.map((a) => a.id).slice(0, 2)).toEqual(['e1000', 'e1001']);
  });

  it('alerts on a fork (a larger tree that does not extend the verified one, and one of the same size), never moving on', async () => {
    await log.serve(buildTilesLogTree(entries(600)));
    await followOnce(deps);
    const before = await readFile(path.join(dir, 'state.json'), 'utf8');
    await log.serve(buildTilesLogTree(entries(700, 'b')));
    expect((await followOnce(deps)).alerts).toEqual([expect.objectContaining({ kind: 'fork', rule: 'fork', details: expect.objectContaining({ why: 'consistency proof does not verify' }) })]);
    await log.serve(buildTilesLogTree(entries(600, 'c')));
    expect((await followOnce(deps)).alerts).toEqual([expect.objectContaining({ kind: 'fork', details: expect.objectContaining({ why: 'same size, different root' }) })]);
    expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(before);
    // The honest tree, grown, is followed again from the verified head.
    await log.serve(buildTilesLogTree(entries(800)));
    expect(await followOnce(deps)).toMatchObject({ size: 800n, checked: 200n, alerts: [] });
  });

  it('alerts on a rollback', async () => {
    await log.serve(buildTilesLogTree(entries(500)));
    await followOnce(deps);
    await log.serve(buildTilesLogTree(entries(400)));
    const round = await followOnce(deps);
    expect(round.alerts).toEqual([expect.objectContaining({ kind: 'rollback' })]);
    expect(round.size).toBe(500n);
    expect((await store.load())?.head.size).toBe(500n);
  });

  it('alerts on a head signed by another key, and on entries that are not the tree\'s', async () => {
    await log.serve(buildTilesLogTree(entries(10)));
    await followOnce(deps);
    const tree = buildTilesLogTree(entries(20));
    const forged = await signCheckpoint({ origin: log.origin, size: tree.size, rootHash: tree.rootHash }, [createNoteSigner(log.origin, createEphemeralSigner('ed25519'))]);
    await log.serve(tree, { checkpoint: forged });
    expect((await followOnce(deps)).alerts).toEqual([expect.objectContaining({ kind: 'bad-signature' })]);
    // Signed, consistent hash tiles, but entry bundles with one entry swapped.
    const swapped = entries(20);
    swapped[15] = encoding.utf8('{"entry":"swapped"}');
    await log.serve({ ...tree, entries: swapped });
    expect((await followOnce(deps)).alerts).toEqual([expect.objectContaining({ kind: 'bad-inclusion' })]);
    expect((await store.load())?.head.size).toBe(10n);
  });

  it('refuses to compare a tree of another origin (a new shard) with the verified one, instead of a false fork', async () => {
    await log.serve(buildTilesLogTree(entries(10)));
    await followOnce(deps);
    const tree = buildTilesLogTree(entries(5, 'shard2'));
    const other = await signCheckpoint({ origin: 'tiles.test/log2', size: tree.size, rootHash: tree.rootHash }, [createNoteSigner(log.origin, log.signer)]);
    await log.serve(tree, { checkpoint: other });
    // A verifier that pins no origin (Rekor v1's, whose origin carries the tree ID).
    deps = { ...deps, verify: createCheckpointVerifier({ keys: [{ name: log.origin, publicKey: log.signer.publicKey }] }) };
    await expect(followOnce(deps)).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('serves no final head of that tree') });
    expect(raised).toEqual([]);
  });

  it('starts at the current head when asked: the edge read from the tiles must rebuild the signed root', async () => {
    await log.serve(buildTilesLogTree(entries(70_000)));
    const start = { ...deps, startAtHead: true };
    expect(await followOnce(start)).toMatchObject({ size: 70_000n, checked: 0n, verified: true, alerts: [] });
    await log.serve(buildTilesLogTree([...entries(70_000), ...entries(300, 'bad')]));
    expect(await followOnce(start)).toMatchObject({ size: 70_300n, checked: 300n, verified: true });
    expect(raised).toHaveLength(300);
  });

  it('alerts instead of starting when the served edge tiles are not the signed tree\'s', async () => {
    const tree = buildTilesLogTree(entries(1000));
    const other = buildTilesLogTree(entries(1000, 'x'));
    await log.serve({ ...tree, readTile: other.readTile });
    const round = await followOnce({ ...deps, startAtHead: true });
    expect(round.alerts).toEqual([expect.objectContaining({ kind: 'bad-inclusion' })]);
    expect(await store.load()).toBeUndefined();
  });

  it('follows a frozen tree to its final head, then the new tree from its start (a Rekor v1 shard rotation)', async () => {
    const next = await startTilesLogServer({ origin: 'tiles.test/log2', signer: log.signer });
    try {
      await log.serve(buildTilesLogTree(entries(100)));
      await followOnce(deps);
      // The old tree grows to its final size, then a new tree (another origin, same key here) takes over.
      await log.serve(buildTilesLogTree([...entries(100), ...entries(20, 'bad-old')]));
      await next.serve(buildTilesLogTree(entries(30, 'bad-new')));
      const verifiers = createCheckpointVerifier({ keys: [{ name: log.origin, publicKey: log.signer.publicKey }, { name: next.origin, publicKey: log.signer.publicKey }] });
      const oldReader = createTilesReader({ prefix: log.url, url: deps.reader.url });
      const reader = { ...createTilesReader({ prefix: next.url, url: deps.reader.url }), previousTree: async (origin: string) => (origin === log.origin ? { served: log.checkpoint(), reader: oldReader } : undefined) };
      const rotated = { ...deps, reader, verify: verifiers };
      expect(await followOnce(rotated)).toMatchObject({ size: 30n, checked: 50n, verified: true });
      expect(raised.map((a) => a.id)).toEqual([...Array.from({ length: 20 }, (_, i) => `e${100 + i}`), ...Array.from({ length: 30 }, (_, i) => `e${i}`)]);
      expect(await store.load()).toMatchObject({ origin: next.origin, head: { size: 30n } });
      expect(await followOnce(rotated)).toMatchObject({ size: 30n, checked: 0n, verified: true });
    } finally {
      await next.close();
    }
  });

  it('holds at most MAX_HELD_ENTRY_ALERTS alerts one by one in a round, then one summary per rule', async () => {
    await log.serve(buildTilesLogTree(entries(MAX_HELD_ENTRY_ALERTS + 500, 'bad')));
    const everyOne: FollowDeps = { ...deps, checkEntry: (entry) => [{ id: `e${entry.index}`, kind: 'identity', rule: 'r', source: 's', message: 'm', details: { index: entry.index.toString() } }] };
    const round = await followOnce(everyOne);
    expect(round.alerts).toHaveLength(MAX_HELD_ENTRY_ALERTS + 1);
    expect(round.alerts.at(-1)).toMatchObject({ rule: 'r', details: { count: 500, first: String(MAX_HELD_ENTRY_ALERTS), last: String(MAX_HELD_ENTRY_ALERTS + 499) } });
  });
});
