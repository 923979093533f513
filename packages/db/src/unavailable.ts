import { DbError } from './error.js';

/**
 * SQLSTATEs that mean the server cannot serve this connection now, not that the statement is wrong (PostgreSQL
 * src/backend/utils/errcodes.txt at REL_15_STABLE): the operator or a crash is shutting the server down, it is
 * still starting, a statement ran past `statement_timeout` (query_canceled), a session sat idle in a transaction past
 * `idle_in_transaction_session_timeout`, or the server has no connection slot left.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: `pg_ctl stop -m fast`, pg_terminate_backend
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up (or shutting down)
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
]);
/** SQLSTATE class 08, connection_exception. */
const CONNECTION_EXCEPTION_CLASS = '08';

/** Socket errors of Node's net and dns modules: the server's address did not answer or dropped us. */
const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * What node-postgres says when a connection dies or times out, in words only (it gives these no code). From pg
 * 8.23.1 lib/client.js ('Connection terminated unexpectedly', 'Connection terminated', 'Client has encountered a
 * connection error and is not queryable', 'Query read timeout': query_timeout) and pg-pool 3.x index.js ('timeout
 * exceeded when trying to connect', 'Connection terminated due to connection timeout': connectionTimeoutMillis).
 */
const DRIVER_MESSAGES = [
  /^Connection terminated\b/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Query read timeout$/,
  /^timeout exceeded when trying to connect$/,
];

/** Whether a driver error means the database did not answer (as opposed to refusing a statement). */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) refusing on all of them as one
  // AggregateError; pg-pool wraps a connection timeout's socket error as the cause of its own.
  if (error instanceof AggregateError && error.errors.some(isUnreachable)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const sqlState = /^[0-9A-Z]{5}$/.test(code);
    if (sqlState && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith(CONNECTION_EXCEPTION_CLASS))) return true;
    if (SOCKET_ERROR_CODES.has(code)) return true;
  }
  return DRIVER_MESSAGES.some((words) => words.test(error.message));
}

/**
 * `error` as the database layer reports it: a DbError `UNAVAILABLE` (the driver's error as its cause) when the
 * database did not answer, else unchanged.
 */
export function classifyDriverError(error: unknown): unknown {
  if (error instanceof DbError || !isUnreachable(error)) return error;
  return new DbError('UNAVAILABLE', `the database is unavailable: ${(error as Error).message}`, { cause: error });
}
