import { Migrator } from 'kysely/migration';
import type { Database } from './create-db.js';
import { DbError, isDatabaseUnavailable } from './error.js';
import { SqlMigrationProvider } from './sql-migrations.js';

/** The repository's `migrations/` folder: `packages/db/{src,dist}/` → three levels up. */
export const DEFAULT_MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);

export interface MigrateOptions {
  /** Folder of `NNNN_topic.sql` files; defaults to {@link DEFAULT_MIGRATIONS_DIR}. */
  dir?: URL | string;
}

/**
 * Applies every pending migration in name order, recording them in Kysely's `kysely_migration` table, and
 * returns the names applied by this call (empty when up to date). All pending migrations run in one
 * transaction (PostgreSQL has transactional DDL), so a failure leaves the schema as it was before the call.
 *
 * Safe when several processes start at once on one PostgreSQL: Kysely's PostgresAdapter holds a session
 * advisory lock (`pg_advisory_lock`) around the whole run and re-reads the applied set under it, and tolerates
 * losing the race to create its own bookkeeping tables (kysely `migration/migrator.js`). PGlite has a single
 * connection, so there is nothing to race.
 *
 * @throws DbError `MIGRATION_FAILED` with the database error as `cause` and the failing file's name; DbError
 * `UNAVAILABLE` as it is when the database did not answer (nothing failed to apply: the caller may try again).
 */
export async function runMigrations(db: Pick<Database, 'kysely'>, options: MigrateOptions = {}): Promise<string[]> {
  const provider = new SqlMigrationProvider(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (isDatabaseUnavailable(error)) throw error;
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new DbError('MIGRATION_FAILED', `migration ${failed ?? '(setup)'} failed`, {
      cause: error,
      details: { migration: failed },
    });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
