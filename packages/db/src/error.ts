import { BaseError } from '@sigbox/core';

/**
 * Failures of the database layer itself. A query's own error (a unique violation, a serialization failure)
 * propagates unchanged so callers can inspect its SQLSTATE `code`; only a database that cannot answer becomes
 * `UNAVAILABLE`, so that every caller can tell "retry later" from "your SQL is wrong".
 */
export type DbErrorCode =
  /** A migration file is misnamed or empty. */
  | 'INVALID_MIGRATION'
  /** A migration failed to apply; `cause` is the database error, `details.migration` the file. */
  | 'MIGRATION_FAILED'
  /** A bytea value came back in a form we do not decode. */
  | 'INVALID_BYTEA'
  /**
   * The database did not answer: refused, reset or timed-out connections, a server shutting down or starting up,
   * a statement cancelled by its timeout (see unavailable.ts). The work may be retried once it is back; `cause` is
   * the driver's error.
   */
  | 'UNAVAILABLE';

export class DbError extends BaseError<DbErrorCode> {}

/** Whether `error` says the database could not be reached or did not answer in time (retry later). */
export function isDatabaseUnavailable(error: unknown): error is DbError {
  return error instanceof DbError && error.code === 'UNAVAILABLE';
}
