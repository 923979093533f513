/**
 * @sigbox/db — the only package that imports kysely, pg and PGlite. Everything else queries through the
 * `Kysely<Tables>` it hands out and the re-exports below, so the engine stays a deployment choice.
 */
export { createDb, type Database, type DbOptions, type Engine, type ThreadDbOptions } from './create-db.js';
export { DbError, type DbErrorCode, isDatabaseUnavailable } from './error.js';
export { DEFAULT_DB_TIMEOUTS, DEFAULT_MAX_CONNECTIONS, QUERY_TIMEOUT_GRACE_MS, type DbTimeouts } from './pg-pool.js';
export { runMigrations, DEFAULT_MIGRATIONS_DIR, type MigrateOptions } from './migrate.js';
export { SqlMigrationProvider, splitStatements, STATEMENT_BREAK } from './sql-migrations.js';
export { getSetting, putSettingOnce } from './settings.js';
export { jsonb, type JsonValue, type JsonbColumn, type JsonbParam, type SettingsTable, type Tables } from './tables.js';
export { parseBytea, parseInt8 } from './type-parsers.js';

// Kysely surface for consumers (query code, table types, transactions).
export { sql, NoResultError } from 'kysely';
export type {
  ColumnType,
  Expression,
  ExpressionBuilder,
  Generated,
  Insertable,
  Kysely,
  RawBuilder,
  Selectable,
  SqlBool,
  Transaction,
  Updateable,
} from 'kysely';
