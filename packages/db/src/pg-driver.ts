import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { classifyDriverError, isUnreachable } from './unavailable.js';

/**
 * Kysely's PostgreSQL dialect over a pg pool, with a driver of our own so that a dead connection is handled in one
 * place: every failure leaves as `classifyDriverError` reports it (DbError `UNAVAILABLE` when the database did not
 * answer), and a connection that failed that way is destroyed, never handed back to the pool. Kysely's own
 * PostgresDriver returns such a connection to the pool unless its rollback failed too: after a client-side query
 * timeout (pg's `query_timeout`) the connection still waits for the lost answer, and every later query on it would
 * wait out a timeout of its own.
 */
export function pgDialect(pool: pg.Pool): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgDriver(pool),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

class PgConnection implements DatabaseConnection {
  /** The error that showed this connection dead: it takes no more queries and leaves the pool when released. */
  broken: Error | undefined;

  constructor(readonly client: pg.PoolClient) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.broken) throw classifyDriverError(this.broken);
    try {
      const { command, rowCount, rows } = await this.client.query<R & object>(compiled.sql, [...compiled.parameters]);
      // As Kysely's PostgresDriver: the command tag tells a COMMIT that the server turned into a ROLLBACK.
      if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command } as R] };
      const changed = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
      return { rows: rows ?? [], ...(changed ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
    } catch (error) {
      if (isUnreachable(error)) this.broken = error as Error;
      throw classifyDriverError(error);
    }
  }

  // eslint-disable-next-line require-yield -- the interface wants a generator; Sigbox never streams rows
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported');
  }
}

class PgDriver implements Driver {
  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      return new PgConnection(await this.pool.connect());
    } catch (error) {
      throw classifyDriverError(error);
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const mode = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean).join(' ');
    await connection.executeQuery(CompiledQuery.raw(mode === '' ? 'begin' : `start transaction ${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await connection.executeQuery<{ command?: string }>(CompiledQuery.raw('commit'));
    // An earlier failed statement left the transaction aborted: PostgreSQL completes COMMIT as ROLLBACK.
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A dead connection's transaction ended with it on the server: nothing to roll back, and no round trip to wait on.
    if ((connection as PgConnection).broken) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const { client, broken } = connection as PgConnection;
    // A truthy argument tells pg-pool to close the client instead of keeping it (node-postgres docs, "pool.connect").
    client.release(broken);
  }

  async destroy(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
