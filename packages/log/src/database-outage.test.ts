// The engine while its PostgreSQL connections die under write load (a restart's 57P01, pg_terminate_backend): a lost
// connection is a failed batch or round answered UNAVAILABLE and a reconnect, never a dead writer thread or process.
import { encoding, generatePrivateKey } from '@sigbox/core';
import { sql } from '@sigbox/db';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogError } from './errors.js';
import { type LogTree, openLogTree } from './log-tree.js';

const ON_POSTGRES = databaseEngines().includes('postgres');
const ROUNDS = 8;
const WRITES_PER_ROUND = 24;
const privateKey = generatePrivateKey('ecdsa-p256');

/** Ends every other session on this database, as `pg_ctl restart -m fast` would (57P01 on each). */
async function terminateOthers(db: TestDatabase): Promise<number> {
  const { rows } = await sql<{ ended: boolean }>`
    select pg_terminate_backend(pid) as ended from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()`.execute(db.kysely);
  return rows.length;
}

describe.skipIf(!ON_POSTGRES).each([true, false])('a tree whose connections die under write load (writer thread: %s)', (writerThread) => {
  let db: TestDatabase;
  let tree: LogTree;
  let counter = 0;
  const entry = () => ({ data: encoding.utf8(`outage ${writerThread} ${++counter}`) });

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres' });
    tree = await openLogTree(db, { name: 'outage', origin: (id) => `outage.test - ${id}`, signers: [{ name: 'outage.test', privateKey }], writerThread });
  });
  afterAll(async () => {
    await tree?.close();
    await db?.close();
  });

  it('answers the entries a lost connection failed with UNAVAILABLE, keeps writing, and integrates what it sequenced', async () => {
    expect(tree.writerThread).toBe(writerThread);
    const acknowledged: bigint[] = [];
    const refused: unknown[] = [];
    let terminated = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Settled from the start: a refusal may come while the test is still ending sessions.
      const writes = Promise.allSettled(Array.from({ length: WRITES_PER_ROUND }, () => tree.add(entry())));
      // Staggered into the burst: some sessions die between statements of a transaction, some mid-statement, some idle.
      await new Promise((resolve) => setTimeout(resolve, 2 + (round % 4) * 3));
      terminated += await terminateOthers(db);
      for (const outcome of await writes) {
        if (outcome.status === 'fulfilled') acknowledged.push(outcome.value.index);
        else refused.push(outcome.reason);
      }
    }
    console.log(`${terminated} sessions ended: ${acknowledged.length} entries acknowledged, ${refused.length} refused`);
    expect(terminated).toBeGreaterThan(0);
    for (const error of refused) expect(error).toMatchObject({ name: 'LogError', code: 'UNAVAILABLE' });
    expect(refused.every((error) => error instanceof LogError)).toBe(true);

    // Still writing: the next batch reconnects.
    const after = await tree.add(entry());
    acknowledged.push(after.index);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    await tree.integrate();
    const { rows } = await sql<{ next_index: bigint; size: bigint }>`
      select s.next_index, i.size from log_sequence s join log_integration i using (tree_id) where tree_id = ${tree.treeId}`.execute(db.kysely);
    expect(rows).toEqual([{ next_index: rows[0]?.size, size: (await tree.latest()).size }]);
    for (const index of acknowledged) expect(index < (await tree.latest()).size).toBe(true);
  });
});
