import { randomBytes } from 'node:crypto';
import { createDb, runMigrations, sql, type Database, type Engine } from '@sigbox/db';

/**
 * Database fixtures. Suites run on PGlite by default; `TEST_DATABASE_URL` (an admin connection to a
 * PostgreSQL server, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres) adds the real server.
 * PGlite starts in ≈3 s: create one per test file (beforeAll), not one per test.
 */

/** A fresh database for one suite; `close()` also removes it from the server. */
export interface TestDatabase extends Database {
  /** The connection URL of this database (postgres only), e.g. to open a second handle on it. */
  readonly url: string | undefined;
}

export interface TestDatabaseOptions {
  /** Defaults to postgres when TEST_DATABASE_URL is set, else pglite. */
  engine?: Engine;
  /** Apply migrations/ before returning (default true); false gives an empty database. */
  migrate?: boolean;
}

/** The engines this run can test on, for `describe.each(databaseEngines())`. */
export function databaseEngines(): Engine[] {
  return adminUrl() === undefined ? ['pglite'] : ['pglite', 'postgres'];
}

/**
 * A fresh database: in-memory PGlite, or a uniquely named database (`sigbox_test_<hex>`) created on the
 * TEST_DATABASE_URL server and dropped on `close()`.
 *
 * @example
 * describe.each(databaseEngines())('entries on %s', (engine) => {
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase({ engine }); });
 *   afterAll(() => db.close());
 * });
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const engine = options.engine ?? (adminUrl() === undefined ? 'pglite' : 'postgres');
  const db = engine === 'pglite' ? pgliteDatabase() : await postgresDatabase(requireAdminUrl());
  try {
    if (options.migrate ?? true) await runMigrations(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function pgliteDatabase(): TestDatabase {
  return { ...createDb({ pglite: {} }), url: undefined };
}

async function postgresDatabase(admin: string): Promise<TestDatabase> {
  const name = `sigbox_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(admin, (db) => sql`CREATE DATABASE ${sql.id(name)}`.execute(db.kysely));
  const url = databaseUrl(admin, name);
  const db = createDb({ url });
  return {
    kysely: db.kysely,
    engine: db.engine,
    threadOptions: db.threadOptions,
    url,
    close: once(async () => {
      await db.close();
      // FORCE (PostgreSQL 13+) ends sessions a failed test left behind instead of failing the drop.
      await withAdmin(admin, (a) => sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(a.kysely));
    }),
  };
}

async function withAdmin(url: string, run: (db: Database) => Promise<unknown>): Promise<void> {
  const db = createDb({ url, maxConnections: 1 });
  try {
    await run(db);
  } finally {
    await db.close();
  }
}

function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

function once(f: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= f());
}

function adminUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === '' ? undefined : url;
}

function requireAdminUrl(): string {
  const url = adminUrl();
  if (url === undefined) throw new Error('engine postgres needs TEST_DATABASE_URL (see databaseEngines())');
  return url;
}
