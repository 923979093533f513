// What a PostgreSQL connection does when the server goes away or stops answering: the query fails with DbError
// UNAVAILABLE within the configured timeouts, the process never dies of it, and the pool reconnects afterwards.
import net from 'node:net';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from './create-db.js';
import { DbError, isDatabaseUnavailable } from './error.js';

const ON_POSTGRES = databaseEngines().includes('postgres');
/** Short timeouts so the tests wait little; far above what `select 1` takes even on a loaded machine. */
const SHORT = { connectMs: 500, statementMs: 500 } as const;
/** "Answered, not hung": a bound many times the timeouts under test, for a loaded machine. */
const ANSWERED_WITHIN_MS = 10_000;

async function failure(work: Promise<unknown>): Promise<DbError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  return error as DbError;
}

const backendPid = async (executor: Parameters<ReturnType<typeof sql>['execute']>[0]) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(executor)).rows[0]!.pid;

describe.skipIf(!ON_POSTGRES)('a PostgreSQL connection that dies or goes silent', () => {
  let db: TestDatabase;
  const opened: Database[] = [];
  const open = (timeouts: Parameters<typeof createDb>[0] extends infer O ? O extends { timeouts?: infer T } ? T : never : never, url = db.url as string) => {
    const handle = createDb({ url, timeouts });
    opened.push(handle);
    return handle;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', migrate: false });
  });
  afterAll(async () => {
    await Promise.all(opened.map((h) => h.close()));
    await db?.close();
  });

  it('a connection terminated while checked out fails the statement that uses it, not the process, and the pool reconnects', async () => {
    const handle = open({});
    const terminated = handle.kysely.transaction().execute(async (tx) => {
      const pid = await backendPid(tx);
      // From another session, while this transaction holds the connection between two statements: the server's
      // 57P01 arrives with no query running, the moment a checked-out client used to emit an unheard 'error'.
      await sql`select pg_terminate_backend(${pid})`.execute(db.kysely);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`select 1`.execute(tx);
    });
    await failure(terminated);
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle.kysely)).rows).toEqual([{ one: 1 }]);
  });

  it('a statement past statement_timeout is UNAVAILABLE (57014), and the connection serves the next one', async () => {
    const handle = open(SHORT);
    const error = await failure(sql`select pg_sleep(3)`.execute(handle.kysely));
    expect(error.cause).toMatchObject({ code: '57014' });
    expect((await sql<{ one: number }>`select 1 as one`.execute(handle.kysely)).rows).toEqual([{ one: 1 }]);
  });

  it('a server that accepts and never answers is UNAVAILABLE after the connect timeout', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const handle = open(SHORT, `postgres://sigbox:sigbox@127.0.0.1:${port}/sigbox`);
      const started = performance.now();
      await failure(sql`select 1`.execute(handle.kysely));
      expect(performance.now() - started).toBeLessThan(ANSWERED_WITHIN_MS);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('a port nobody listens on is UNAVAILABLE at once', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await failure(sql`select 1`.execute(open(SHORT, `postgres://sigbox:sigbox@127.0.0.1:${port}/sigbox`).kysely));
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a statement the server refuses keeps its own error and SQLSTATE', async () => {
    const error = await open({}).kysely.executeQuery(sql`select * from no_such_table`.compile(db.kysely)).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: '42P01' });
  });
});
