import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { pgDialect } from './pg-driver.js';
import { type DbTimeouts, createPgPool } from './pg-pool.js';
import type { Tables } from './tables.js';
import { pgliteParsers } from './type-parsers.js';

export type Engine = 'postgres' | 'pglite';

/**
 * Where the data lives: a PostgreSQL server (`url`, e.g. `postgres://user:pass@host:5432/sigbox`) or an
 * embedded PGlite (in memory, or persistent in `pglite.dataDir`).
 */
export type DbOptions =
  | {
      url: string;
      maxConnections?: number;
      /** How long to wait on the server before failing with DbError `UNAVAILABLE`; see DEFAULT_DB_TIMEOUTS. */
      timeouts?: Partial<DbTimeouts>;
      /**
       * Told when a connection dies, idle or in use (server restart, `pg_terminate_backend`, a reset socket). The
       * query using it fails, the pool discards it and the next query reconnects, so this is for logging only;
       * default: ignore.
       */
      onConnectionError?: (error: Error) => void;
    }
  | { pglite: { dataDir?: string } };

/** How another thread opens the same PostgreSQL database: plain data. */
export interface ThreadDbOptions {
  readonly url: string;
  readonly maxConnections?: number;
  readonly timeouts?: Partial<DbTimeouts>;
}

/** An open database: the query builder, which engine serves it, and how to release it. */
export interface Database {
  readonly kysely: Kysely<Tables>;
  readonly engine: Engine;
  /**
   * How a worker thread of this process opens the same database with a pool of its own (plain data, fit for
   * `postMessage`); undefined for PGlite, which lives in this thread's memory only.
   */
  readonly threadOptions: ThreadDbOptions | undefined;
  /** Ends the pool or closes PGlite; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens the one Kysely instance the process uses. Nothing above this package can tell the engines apart:
 * both return the same JS types (see type-parsers.ts) and run the same SQL.
 *
 * @example
 * const db = createDb({ pglite: {} });             // in memory, for tests and `sigbox up --ephemeral`
 * const db = createDb({ url: process.env.DATABASE_URL! });
 * await runMigrations(db);
 */
export function createDb(options: DbOptions): Database {
  if ('url' in options) {
    const { url, maxConnections, timeouts } = options;
    const pool = createPgPool({ url, maxConnections, timeouts, onConnectionError: options.onConnectionError ?? (() => {}) });
    const threadOptions: ThreadDbOptions = { url, ...(maxConnections === undefined ? {} : { maxConnections }), ...(timeouts === undefined ? {} : { timeouts }) };
    return handle(new Kysely<Tables>({ dialect: pgDialect(pool) }), 'postgres', threadOptions);
  }
  const { dataDir } = options.pglite;
  // A factory, so PGlite's ≈3 s start happens on first query, not at construction (kysely PGliteDialect docs).
  const pglite = () => PGlite.create({ ...(dataDir === undefined ? {} : { dataDir }), parsers: pgliteParsers() });
  return handle(new Kysely<Tables>({ dialect: new PGliteDialect({ pglite }) }), 'pglite', undefined);
}

function handle(kysely: Kysely<Tables>, engine: Engine, threadOptions: Database['threadOptions']): Database {
  let closing: Promise<void> | undefined;
  return {
    kysely,
    engine,
    threadOptions,
    close: () => (closing ??= kysely.destroy()),
  };
}
