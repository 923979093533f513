import { isDatabaseUnavailable } from '@sigbox/db';
import { LogError } from '@sigbox/log';
import type { Logger } from 'pino';
import { HttpError, type ErrorFormat, type Problem } from '../http-error.js';
import type { Answer } from './answer.js';
import type { Api } from './api.js';
import { RequestProblem } from './request-problem.js';

/** Seconds a client told 503 should wait before retrying: about one batch's integration in the logs. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Whether `err` says the database did not answer, however it got here: a read no personality wraps passes the
 * database's own DbError through, a write the engine's LogError.
 */
function isUnavailable(err: unknown): boolean {
  return isDatabaseUnavailable(err) || (err instanceof LogError && err.code === 'UNAVAILABLE');
}

function problemOf(err: unknown, path: string): Problem {
  if (err instanceof RequestProblem) return { kind: err.kind, status: err.status, path };
  if (isUnavailable(err)) return { kind: 'UNAVAILABLE', status: 503, path };
  return { kind: 'INTERNAL', status: 500, path };
}

/**
 * Any thrown value → the answer the owning API's upstream would send: an HttpError as it is, a domain error through
 * the owner's `mapError`, a RequestProblem, a database that did not answer (503) and anything unknown through the
 * owner's error format (unknown errors as its generic 500, never their message).
 */
export function toHttpError(err: unknown, path: string, owner: Api | undefined, fallback: ErrorFormat): HttpError {
  if (err instanceof HttpError) return err;
  const mapped = owner?.mapError?.(err);
  if (mapped !== undefined) return mapped;
  return (owner?.errorFormat ?? fallback).toHttpError(problemOf(err, path));
}

/** Headers every answer of a status carries, whoever produced it. */
function statusHeaders(status: number): Readonly<Record<string, string>> | undefined {
  // tessera's pushback contract: a client that is told to come back is told when.
  if (status === 503) return { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  // The body was not read to its end, so the connection cannot carry another request (RFC 9110 §15.5.9).
  if (status === 408) return { Connection: 'close' };
  return undefined;
}

/**
 * The one place a failure becomes an answer. Every 503 carries `Retry-After` and every 408 `Connection: close`,
 * whichever API or condition produced it (a RequestProblem's headers, then an error's own headers, win). Failures
 * answered 5xx, but for the pipeline's own refusals, are logged with what the client is not told.
 */
export function errorAnswer(err: unknown, context: { method: string; path: string; owner: Api | undefined; fallback: ErrorFormat; logger: Logger }): Answer {
  const error = toHttpError(err, context.path, context.owner, context.fallback);
  // A request the pipeline refused on purpose (shed under load, a connection over the cap) is no failure: its
  // request line says enough, and a stack per refusal would cost most of what refusing saves.
  if (error.status >= 500 && !(err instanceof RequestProblem)) context.logger.error({ err, api: context.owner?.name, method: context.method, path: context.path }, 'request failed');
  const always = statusHeaders(error.status);
  const own = err instanceof RequestProblem ? err.headers : undefined;
  return { status: error.status, body: error.body, headers: always === undefined && own === undefined ? error.headers : { ...always, ...own, ...error.headers } };
}
