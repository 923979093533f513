import pg from 'pg';
import { pgTypeOverrides } from './type-parsers.js';

/**
 * How long Sigbox waits on PostgreSQL before it gives up and answers 503. Every statement Sigbox runs takes
 * milliseconds (a batch's inserts, a few tiles), so these bound only a database that is down, restarting or cut
 * off; without them (node-postgres and libpq wait forever by default) a request behind a partition hangs until
 * the client gives up, and a lock held by a session whose process vanished is held until the server notices.
 */
export interface DbTimeouts {
  /** Opening a connection (TCP, TLS, start-up, authentication), or waiting for a free one in the pool. */
  readonly connectMs: number;
  /**
   * One statement on the server (`statement_timeout`, cancelled with 57014, lock waits included); the client stops
   * waiting for its answer {@link QUERY_TIMEOUT_GRACE_MS} later (pg's `query_timeout`), which only a silent server
   * reaches.
   */
  readonly statementMs: number;
  /**
   * A session idle inside a transaction this long is ended by the server (`idle_in_transaction_session_timeout`),
   * releasing its locks. Sigbox's transactions never pause between statements for more than a turn of the event
   * loop; a session left so is one whose process died or was cut off mid-transaction while holding the sequencing
   * or integration row lock, which every other process waits for.
   */
  readonly idleInTransactionMs: number;
  /** An idle pooled connection is closed after this long (pg-pool's `idleTimeoutMillis`). */
  readonly idleMs: number;
  /** TCP keepalive probes start after this much silence on a connection (see {@link DEFAULT_DB_TIMEOUTS}). */
  readonly keepAliveDelayMs: number;
}

/**
 * The client waits this much longer than `statement_timeout` before it stops waiting for an answer: a reachable
 * server cancels first (57014, the connection stays usable), so only a server that no longer answers at all meets
 * the client-side timeout, whose connection is then discarded.
 */
export const QUERY_TIMEOUT_GRACE_MS = 1_000;

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = Object.freeze({
  // Connecting takes milliseconds in a data centre, TLS and SCRAM included; five seconds is far beyond that and
  // still well inside the 30 s a client such as cosign waits for an answer (its default --timeout is 3 min).
  connectMs: 5_000,
  // Far beyond any statement Sigbox runs (ms), and short enough that a write behind a dead database is answered 503
  // while its client still waits: a Rekor create waits out at most one sequencing and one integration statement.
  statementMs: 5_000,
  // Twice the statement timeout: a live transaction is never idle this long, and a dead one's lock is free soon
  // after the statements waiting on it have timed out once.
  idleInTransactionMs: 10_000,
  // pg-pool's own default, named: a pool shrinks back after a burst.
  idleMs: 10_000,
  // Node's setKeepAlive then sends 10 probes one second apart (Node docs, net `socket.setKeepAlive`): a peer gone
  // without a word (a host down, a NAT that forgot us) is found within about 20 s even on an idle connection.
  keepAliveDelayMs: 10_000,
});

// pg's own default (pg-pool `max`); named here so the composition root can see and override it.
export const DEFAULT_MAX_CONNECTIONS = 10;

export interface PgPoolOptions {
  url: string;
  maxConnections?: number | undefined;
  timeouts?: Partial<DbTimeouts> | undefined;
  /** Told when a connection dies, pooled or checked out (see createDb's `onConnectionError`). */
  onConnectionError: (error: Error) => void;
}

/**
 * A pg pool with Sigbox's timeouts and an error listener on every client. pg-pool listens on idle clients only: a
 * checked-out client whose server goes away between two statements (57P01 on `pg_ctl restart`, a reset socket)
 * emits 'error' with nobody listening, which Node turns into an uncaught exception that ends the thread, and a
 * writer thread's death ends the process. With a listener, the client is only marked unusable: its next query
 * fails, and the driver (pg-driver.ts) drops it from the pool.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const t = { ...DEFAULT_DB_TIMEOUTS, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    types: pgTypeOverrides(),
    connectionTimeoutMillis: t.connectMs,
    // Sent as start-up parameters, so they hold from the first statement of every connection, migrations included.
    statement_timeout: t.statementMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    query_timeout: t.statementMs + QUERY_TIMEOUT_GRACE_MS,
    idleTimeoutMillis: t.idleMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveDelayMs,
  });
  pool.on('connect', (client) => client.on('error', options.onConnectionError));
  // Without a listener, pg-pool re-emits an idle client's error as an uncaught 'error' event, which would end the
  // process on every database restart (node-postgres docs, "Pool: events: error").
  pool.on('error', options.onConnectionError);
  return pool;
}
