import { BaseError } from '@sigbox/core';

/**
 * Failures of the database layer itself (not of queries: a query's own error, e.g. a unique violation,
 * propagates unchanged so callers can inspect its SQLSTATE `code`).
 */
export type DbErrorCode =
  /** A migration file is misnamed or empty. */
  | 'INVALID_MIGRATION'
  /** A migration failed to apply; `cause` is the database error, `details.migration` the file. */
  | 'MIGRATION_FAILED'
  /** A bytea value came back in a form we do not decode. */
  | 'INVALID_BYTEA';

export class DbError extends BaseError<DbErrorCode> {}
