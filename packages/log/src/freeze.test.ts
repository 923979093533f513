// Freezing a tree (a Rekor key rotation): against real databases, with writers on threads and on the opening
// thread, and with a second database handle standing for a second process sequencing into the same tree.
import { encoding, generatePrivateKey } from '@sigbox/core';
import { type Engine, createDb, sql } from '@sigbox/db';
import { hashLeaf, isValidInclusion } from '@sigbox/merkle';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogError } from './errors.js';
import { type LogTree, freezeLogTree, listLogTrees, openLogTree } from './log-tree.js';
import { sequenceBatch } from './sequencer.js';
import type { LogDb } from './storage.js';
import type { LogTables } from './tables.js';
import type { OpenTreeOptions } from './tree-options.js';

const privateKey = generatePrivateKey('ecdsa-p256');
const options = (name: string, extra: Partial<OpenTreeOptions> = {}): OpenTreeOptions => ({
  name,
  origin: (id) => `freeze.example - ${id}`,
  signers: [{ name: 'freeze.example', privateKey }],
  batchMaxAgeMs: 2,
  ...extra,
});

const variants = databaseEngines().flatMap<{ engine: Engine; writerThread: boolean; label: string }>((engine) =>
  engine === 'postgres'
    ? [
        { engine, writerThread: true, label: 'postgres, writer threads' },
        { engine, writerThread: false, label: 'postgres, writers on the opening thread' },
      ]
    : [{ engine, writerThread: false, label: engine }],
);

describe.each(variants)('freezing a tree on $label', ({ engine, writerThread }) => {
  let db: TestDatabase;
  let other: ReturnType<typeof createDb> | undefined;
  const trees: LogTree[] = [];
  const open = async (name: string, extra: Partial<OpenTreeOptions> = {}, database = db as Parameters<typeof openLogTree>[0]) => {
    const tree = await openLogTree(database, options(name, { writerThread, ...extra }));
    trees.push(tree);
    return tree;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    // A second pool on the same database: another process's sequencer (PGlite has one connection, one process).
    if (db.url !== undefined) other = createDb({ url: db.url });
  });
  afterAll(async () => {
    for (const tree of trees) await tree.close().catch(() => undefined);
    await other?.close();
    await db?.close();
  });

  it('sequences nothing after the freeze returns, under concurrent appends from two handles; every acknowledged entry is readable', async () => {
    const a = await open('concurrent');
    const b = other ? await open('concurrent', {}, other) : a;
    expect(b.treeId).toBe(a.treeId);
    const adds: Array<Promise<{ index: bigint; data: Uint8Array }>> = [];
    let n = 0;
    const addOne = (tree: LogTree) => {
      const data = encoding.utf8(`entry ${n++}`);
      const added = tree.add({ data }).then((a) => ({ index: a.index, data }));
      // Refusals are counted once all settle, not reported as unhandled meanwhile.
      added.catch(() => undefined);
      adds.push(added);
    };
    // Writers keep adding while the freeze runs: a few before, many around, some after.
    for (let i = 0; i < 40; i++) addOne(i % 2 === 0 ? a : b);
    const during = (async () => {
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 10; i++) addOne(i % 2 === 0 ? a : b);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 15));
    const finalSize = await freezeLogTree(db, a.treeId);
    // From here on, no row may appear at or beyond finalSize, whatever is still in flight. Some adds certainly come
    // after the freeze returned, however fast the ones around it were sequenced on a busy machine.
    for (let i = 0; i < 4; i++) addOne(i % 2 === 0 ? a : b);
    await during;
    const outcomes = await Promise.allSettled(adds);
    const accepted = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(accepted.length + refused.length).toBe(n);
    expect(refused.length).toBeGreaterThan(0);
    for (const reason of refused) expect(reason).toMatchObject({ name: 'LogError', code: 'TREE_FROZEN' });
    expect(accepted.length).toBe(Number(finalSize));
    expect(new Set(accepted.map((e) => e.index)).size).toBe(accepted.length);
    for (const e of accepted) expect(e.index < finalSize).toBe(true);

    const kysely = db.kysely.withTables<LogTables>() as unknown as LogDb;
    const { rows } = await sql<{ count: bigint; max: bigint | null }>`
      SELECT count(*)::int8 AS count, max(idx) AS max FROM log_entries WHERE tree_id = ${a.treeId}`.execute(kysely);
    expect(rows[0]).toEqual({ count: finalSize, max: finalSize - 1n });

    // Both handles read the mark from the database; the tree is integrated to exactly its final size.
    expect(await a.frozenSize()).toBe(finalSize);
    expect(await b.frozenSize()).toBe(finalSize);
    await a.integrate();
    const state = await b.latest();
    expect(state.size).toBe(finalSize);
    for (const e of accepted) {
      expect(encoding.toHex((await a.entry(e.index))?.data ?? new Uint8Array())).toBe(encoding.toHex(e.data));
      expect(isValidInclusion(e.index, state.size, hashLeaf(e.data), await b.inclusionProof(e.index, state.size), state.rootHash)).toBe(true);
    }
    // Freezing again changes nothing; later adds and sequences are refused and store nothing.
    expect(await a.freeze()).toBe(finalSize);
    await expect(b.add({ data: encoding.utf8('late') })).rejects.toMatchObject({ code: 'TREE_FROZEN' });
    await expect(a.sequence({ data: encoding.utf8('late too') })).rejects.toMatchObject({ code: 'TREE_FROZEN' });
    expect((await a.latest()).size).toBe(finalSize);
  });

  it('leaves other trees writable, and an open tree says it is not frozen', async () => {
    const frozen = await open('frozen-alone');
    const open2 = await open('still-open');
    await frozen.add({ data: encoding.utf8('one') });
    expect(await frozen.freeze()).toBe(1n);
    expect(await open2.frozenSize()).toBeUndefined();
    expect((await open2.add({ data: encoding.utf8('two') })).index).toBe(0n);
    // Every process can list the trees, oldest first, with what is frozen.
    const listed = (await listLogTrees(db)).filter((t) => t.name === 'frozen-alone' || t.name === 'still-open');
    expect(listed.map((t) => [t.name, t.treeId, t.frozenSize])).toEqual([
      ['frozen-alone', frozen.treeId, 1n],
      ['still-open', open2.treeId, undefined],
    ]);
  });

  it('opens a frozen tree for reads only, integrating what a crash left sequenced first', async () => {
    const tree = await open('crashed');
    await tree.add({ data: encoding.utf8('integrated') });
    // Sequenced by a process that died before integrating: the rows are there, no checkpoint covers them.
    const kysely = db.kysely.withTables<LogTables>() as unknown as LogDb;
    const tail = ['tail 1', 'tail 2'].map((t) => {
      const data = encoding.utf8(t);
      return { data, leafHash: hashLeaf(data), identity: hashLeaf(data), keys: [] };
    });
    await sequenceBatch(kysely, tree.treeId, tail, () => new Date());
    expect(await freezeLogTree(db, tree.treeId)).toBe(3n);

    const reader = await open('crashed', { readOnly: true });
    expect(reader.writerThread).toBe(false);
    expect((await reader.latest()).size).toBe(3n);
    expect(await reader.frozenSize()).toBe(3n);
    expect(encoding.fromUtf8((await reader.integratedEntry(2n))?.data ?? new Uint8Array())).toBe('tail 2');
    await expect(reader.add({ data: encoding.utf8('no') })).rejects.toSatisfy((e) => e instanceof LogError && e.code === 'CLOSED');
    await reader.integrate();
    await reader.close();
  });
});
