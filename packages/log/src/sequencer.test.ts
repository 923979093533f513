import { encoding, generatePrivateKey } from '@sigbox/core';
import { sql } from '@sigbox/db';
import { hashLeaf } from '@sigbox/merkle';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogTree } from './log-tree.js';
import { type EntryToSequence, sequenceBatch } from './sequencer.js';
import type { LogDb } from './storage.js';
import type { LogTables } from './tables.js';

const utf8 = encoding.utf8;
const entry = (text: string, keys: string[] = [], extra?: string): EntryToSequence => {
  const data = utf8(text);
  return { data, leafHash: hashLeaf(data), identity: hashLeaf(data), keys, ...(extra === undefined ? {} : { extra: utf8(extra) }) };
};

describe.each(databaseEngines())('sequenceBatch on %s', (engine) => {
  let db: TestDatabase;
  let kysely: LogDb;
  let treeId: bigint;
  const at = new Date('2026-11-28T02:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    kysely = db.kysely.withTables<LogTables>() as unknown as LogDb;
    // A tree of its own, closed at once: this suite writes its sequence directly.
    const tree = await openLogTree(db, { name: 'sequencer', origin: (id) => `seq - ${id}`, signers: [{ name: 'seq', privateKey: generatePrivateKey('ecdsa-p256') }], writerThread: false });
    treeId = tree.treeId;
    await tree.close();
  });
  afterAll(async () => {
    await db?.close();
  });

  const rows = async () =>
    (await sql<{ idx: bigint; data: Uint8Array; extra: Uint8Array | null; sequenced_at: Date }>`
      SELECT idx, data, extra, sequenced_at FROM log_entries WHERE tree_id = ${treeId} ORDER BY idx`.execute(kysely)).rows;
  const keys = async () =>
    (await sql<{ key: string; idx: bigint }>`SELECT key, idx FROM log_entry_keys WHERE tree_id = ${treeId} ORDER BY key, idx`.execute(kysely)).rows.map((r) => `${r.key}@${r.idx}`);
  const nextIndex = async () =>
    (await sql<{ next_index: bigint }>`SELECT next_index FROM log_sequence WHERE tree_id = ${treeId}`.execute(kysely)).rows[0]?.next_index;

  it('numbers new identities in batch order, answers duplicates with the first index, writes keys of new entries once', async () => {
    const first = await sequenceBatch(kysely, treeId, [entry('a', ['k1', 'k1', 'k2'], 'chain of a'), entry('b'), entry('a', ['k3'])], () => at);
    expect(first).toEqual([
      { index: 0n, duplicate: false },
      { index: 1n, duplicate: false },
      { index: 0n, duplicate: true },
    ]);
    const second = await sequenceBatch(kysely, treeId, [entry('c', ['k1']), entry('b', ['k4']), entry('d'), entry('c')], () => at);
    expect(second).toEqual([
      { index: 2n, duplicate: false },
      { index: 1n, duplicate: true },
      { index: 3n, duplicate: false },
      { index: 2n, duplicate: true },
    ]);
    expect((await rows()).map((r) => [r.idx, encoding.fromUtf8(r.data), r.extra === null ? null : Buffer.from(r.extra).toString()])).toEqual([
      [0n, 'a', 'chain of a'],
      [1n, 'b', null],
      [2n, 'c', null],
      [3n, 'd', null],
    ]);
    expect((await rows()).every((r) => r.sequenced_at.getTime() === at.getTime())).toBe(true);
    // Keys of duplicates are not written: the duplicate was not logged again.
    expect(await keys()).toEqual(['k1@0', 'k1@2', 'k2@0']);
    expect(await nextIndex()).toBe(4n);
  });

  it('writes nothing and keeps the sequence for a batch of duplicates only', async () => {
    const before = await nextIndex();
    expect(await sequenceBatch(kysely, treeId, [entry('a'), entry('d', ['k9'])], () => at)).toEqual([
      { index: 0n, duplicate: true },
      { index: 3n, duplicate: true },
    ]);
    expect(await nextIndex()).toBe(before);
    expect(await keys()).not.toContain('k9@3');
  });

  it('writes nothing of a batch that fails: no entry, no key, no gap', async () => {
    const before = { next: await nextIndex(), count: (await rows()).length };
    // A key the table refuses (NOT NULL): the keys go in after the entries, in the same transaction.
    const refused = entry('e', [null as unknown as string]);
    await expect(sequenceBatch(kysely, treeId, [entry('f', ['k6']), refused], () => at)).rejects.toThrow();
    expect(await nextIndex()).toBe(before.next);
    expect((await rows()).length).toBe(before.count);
    expect(await keys()).not.toContain('k6@4');
    expect(await sequenceBatch(kysely, treeId, [entry('f')], () => at)).toEqual([{ index: before.next, duplicate: false }]);
  });
});
