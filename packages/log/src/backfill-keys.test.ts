// The one-time pass that gives older entries their search keys, on a real tree: entries added without keys get
// them (found by findByKeys afterwards), entries that have keys keep theirs, and a finished pass never runs again.
import { encoding, generatePrivateKey } from '@sigbox/core';
import { type TestDatabase, createTestDatabase } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillEntryKeys } from './backfill-keys.js';
import { type LogTree, openLogTree } from './log-tree.js';

const privateKey = generatePrivateKey('ed25519');

describe('backfillEntryKeys', () => {
  let db: TestDatabase;
  let tree: LogTree;
  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'pglite' });
    tree = await openLogTree(db, { name: 'backfill', origin: () => 'backfill.test', signers: [{ name: 'backfill.test', privateKey }], batchMaxAgeMs: 2 });
    for (let i = 0; i < 5; i++) await tree.add({ data: encoding.utf8(`entry ${i}`), ...(i === 2 ? { keys: ['already'] } : {}) });
  });
  afterAll(async () => {
    await tree?.close();
    await db?.close();
  });

  it('keys the entries that have none, in batches, then marks the tree done', async () => {
    const reached: bigint[] = [];
    const keyed = await backfillEntryKeys(db, tree.treeId, (e) => [`text:${encoding.fromUtf8(e.data)}`, 'all'], { name: 'test-keys', batch: 2, onProgress: (r) => reached.push(r) });
    expect(keyed).toBe(4);
    expect(reached).toEqual([2n, 4n, 5n]);
    expect(await tree.findByKeys(['text:entry 3'], { match: 'any', limit: 10 })).toEqual([3n]);
    expect(await tree.findByKeys(['all'], { match: 'any', limit: 10 })).toEqual([4n, 3n, 1n, 0n]);
    expect(await tree.findByKeys(['already'], { match: 'any', limit: 10 })).toEqual([2n]);
    expect(await backfillEntryKeys(db, tree.treeId, () => ['again'], { name: 'test-keys' })).toBeUndefined();
    expect(await tree.findByKeys(['again'], { match: 'any', limit: 10 })).toEqual([]);
  });

  it('stops between batches when asked, without marking the tree done', async () => {
    const controller = new AbortController();
    const keyed = await backfillEntryKeys(db, tree.treeId, () => ['stopped'], { name: 'stopped-keys', batch: 1, signal: controller.signal, onProgress: () => controller.abort() });
    expect(keyed).toBeUndefined();
    expect(await backfillEntryKeys(db, tree.treeId, () => ['x'], { name: 'stopped-keys' })).toBe(0);
  });
});
