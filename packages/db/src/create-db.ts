import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Tables } from './tables.js';
import { pgliteParsers, pgTypeOverrides } from './type-parsers.js';

export type Engine = 'postgres' | 'pglite';

/**
 * Where the data lives: a PostgreSQL server (`url`, e.g. `postgres://user:pass@host:5432/sigbox`) or an
 * embedded PGlite (in memory, or persistent in `pglite.dataDir`).
 */
export type DbOptions =
  | {
      url: string;
      maxConnections?: number;
      /**
       * Told when an idle pooled connection dies (server restart, `pg_terminate_backend`). The pool has already
       * discarded it and the next query reconnects, so this is for logging only; default: ignore.
       */
      onConnectionError?: (error: Error) => void;
    }
  | { pglite: { dataDir?: string } };

/** An open database: the query builder, which engine serves it, and how to release it. */
export interface Database {
  readonly kysely: Kysely<Tables>;
  readonly engine: Engine;
  /**
   * How a worker thread of this process opens the same database with a pool of its own (plain data, fit for
   * `postMessage`); undefined for PGlite, which lives in this thread's memory only.
   */
  readonly threadOptions: { readonly url: string; readonly maxConnections?: number } | undefined;
  /** Ends the pool or closes PGlite; safe to call more than once. */
  close(): Promise<void>;
}

// pg's own default (pg-pool `max`); named here so the composition root can see and override it.
const DEFAULT_MAX_CONNECTIONS = 10;

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
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      types: pgTypeOverrides(),
    });
    // Without a listener, pg-pool re-emits an idle client's error as an uncaught 'error' event, which would
    // end the process on every database restart (node-postgres docs, "Pool: events: error").
    pool.on('error', options.onConnectionError ?? (() => {}));
    const threadOptions = { url: options.url, ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }) };
    return handle(new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), 'postgres', threadOptions);
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
