// Every tree a process opens on one PostgreSQL database is written by one writer thread (writer-thread-client.ts):
// a thread per tree cost ≈ 25–30 MiB resident each. Counted from the kernel's own list of this process's threads.
import { readFileSync, readdirSync } from 'node:fs';
import { encoding, generatePrivateKey } from '@sigbox/core';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogTree, openLogTree } from './log-tree.js';

const ON_POSTGRES = databaseEngines().includes('postgres');
const privateKey = generatePrivateKey('ecdsa-p256');

/** Threads of this process that Node named for a worker (`WorkerThread`, Linux /proc). */
function workerThreads(): number {
  return readdirSync('/proc/self/task').filter((task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'WorkerThread').length;
}

async function settledThreads(expected: number): Promise<number> {
  // A terminated thread leaves the kernel's list shortly after terminate() resolves.
  for (let i = 0; i < 50 && workerThreads() !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return workerThreads();
}

describe.skipIf(!ON_POSTGRES || process.platform !== 'linux')('trees on one database share one writer thread', () => {
  let db: TestDatabase;
  const open = (name: string): Promise<LogTree> =>
    openLogTree(db, { name, origin: (id) => `${name}.test - ${id}`, signers: [{ name: `${name}.test`, privateKey }] });

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes three trees through one thread, keeps writing after one closes, and stops the thread with the last', async () => {
    const before = workerThreads(); // vitest's own pool may run this file in a worker thread
    const trees = await Promise.all(['first', 'second', 'third'].map(open));
    expect(trees.every((tree) => tree.writerThread)).toBe(true);
    expect(await settledThreads(before + 1)).toBe(before + 1);

    const written = await Promise.all(trees.flatMap((tree, t) => Array.from({ length: 20 }, (_, i) => tree.add({ data: encoding.utf8(`tree ${t} entry ${i}`) }))));
    for (const [t, tree] of trees.entries()) {
      const own = written.slice(t * 20, (t + 1) * 20).map((w) => Number(w.index));
      expect(own.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i)); // each tree has its own indices
      expect((await tree.latest()).size).toBe(20n);
    }

    const [first, second, third] = trees as [LogTree, LogTree, LogTree];
    await first.close();
    expect(await settledThreads(before + 1)).toBe(before + 1);
    const later = await second.add({ data: encoding.utf8('after the first tree closed') });
    expect(later.index).toBe(20n);
    expect(later.checkpoint.size).toBe(21n);

    await Promise.all([second.close(), third.close()]);
    expect(await settledThreads(before)).toBe(before);

    // A tree opened afterwards starts a thread again.
    const again = await open('first');
    expect((await again.add({ data: encoding.utf8('reopened') })).index).toBe(20n);
    expect(await settledThreads(before + 1)).toBe(before + 1);
    await again.close();
  });
});
