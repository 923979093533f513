/** The bench's Postgres database: BENCH_DATABASE_URL as given, or a fresh one created and dropped here. */
import { randomBytes } from 'node:crypto';
import { createDb, sql } from '@sigbox/db';

/** The local Postgres of the dev machine (preamble: user postgres, password postgres). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  url: string;
  /** Drops the database if this module created it. */
  dispose(): Promise<void>;
}

export async function openBenchDatabase(givenUrl: string | undefined, adminUrl = DEFAULT_ADMIN_URL): Promise<BenchDatabase> {
  if (givenUrl !== undefined && givenUrl !== '') return { url: givenUrl, dispose: async () => {} };
  const name = `sigbox_bench_${randomBytes(6).toString('hex')}`;
  await withDb(adminUrl, (db) => sql`CREATE DATABASE ${sql.id(name)}`.execute(db.kysely));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dispose: async () => {
      await withDb(adminUrl, (db) => sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(db.kysely));
    },
  };
}

/** The durability settings that decide what a commit costs; both must be `on` for the numbers to mean anything. */
export async function durabilitySettings(url: string): Promise<{ fsync: string; synchronousCommit: string; version: string }> {
  return withDb(url, async (db) => {
    const show = async (name: string) => {
      const { rows } = await sql<Record<string, string>>`SHOW ${sql.raw(name)}`.execute(db.kysely);
      return Object.values(rows[0] ?? {})[0] ?? '?';
    };
    return { fsync: await show('fsync'), synchronousCommit: await show('synchronous_commit'), version: await show('server_version') };
  });
}

async function withDb<T>(url: string, run: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb({ url, maxConnections: 1 });
  try {
    return await run(db);
  } finally {
    await db.close();
  }
}

/** How often the backend list is refreshed: the server's pool opens connections as load rises. */
const BACKEND_POLL_MS = 500;

export interface BackendWatch {
  /** PIDs of the Postgres backends connected to this database (other databases on the server excluded). */
  pids(): number[];
  stop(): Promise<void>;
}

/** Tracks the database's backend processes, so their CPU can be charged to the phase that used them. */
export function watchBackends(url: string): BackendWatch {
  const db = createDb({ url, maxConnections: 1 });
  const seen = new Set<number>();
  const poll = async () => {
    const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(db.kysely);
    for (const row of rows) seen.add(Number(row.pid));
  };
  const timer = setInterval(() => void poll().catch(() => undefined), BACKEND_POLL_MS);
  return {
    pids: () => [...seen],
    stop: async () => {
      clearInterval(timer);
      await db.close();
    },
  };
}

/**
 * Transactions committed or rolled back in this database so far (pg_stat_database). Each statement outside
 * an explicit transaction is one, so the delta per request approximates the round trips it costs. The
 * statistics are sent by backends at most every PGSTAT_MIN_INTERVAL (1 s, pgstat.c): read after a pause.
 */
export async function transactionCount(url: string): Promise<number> {
  return withDb(url, async (db) => {
    await sql`SELECT pg_stat_force_next_flush()`.execute(db.kysely);
    const { rows } = await sql<{ n: string }>`SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = current_database()`.execute(db.kysely);
    return Number(rows[0]?.n ?? Number.NaN);
  });
}
