import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError, type ErrorFormat, type Problem, type ProblemKind } from './http-error.js';
import type { Service } from './service.js';

/** Shape of the errors body-parser / raw-body raise (http-errors with a `type`). */
interface BodyParserError {
  status: number;
  type: string;
  expose: boolean;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return typeof e === 'object' && e !== null && typeof e.type === 'string' && typeof e.status === 'number';
}

function problemKind(err: unknown): ProblemKind {
  if (!isBodyParserError(err) || !err.expose || err.status < 400 || err.status > 499) return 'INTERNAL';
  if (err.type === 'entity.parse.failed') return 'MALFORMED_BODY';
  if (err.type === 'entity.too.large') return 'BODY_TOO_LARGE';
  return 'BAD_REQUEST';
}

const STATUS_BY_KIND: Readonly<Record<Exclude<ProblemKind, 'BAD_REQUEST'>, number>> = {
  NOT_FOUND: 404,
  MALFORMED_BODY: 400,
  BODY_TOO_LARGE: 413,
  INTERNAL: 500,
};

/** Marker error for "no route matched", raised by {@link notFound}. */
class RouteNotFound extends Error {}

/** A request body that is not JSON, found outside body-parser (the fast lane): body-parser's 'entity.parse.failed'. */
export class MalformedBody extends Error {}

/** Last route: nothing matched, so the owner of the path answers its 404. */
export const notFound: RequestHandler = (_req, _res, next) => next(new RouteNotFound('no route'));

/** Pure core of the error middleware: any thrown value → the response the owning service would send. */
export function toHttpError(err: unknown, path: string, owner: Service | undefined, fallback: ErrorFormat): HttpError {
  if (err instanceof HttpError) return err;
  const mapped = owner?.mapError?.(err);
  if (mapped !== undefined) return mapped;
  const kind = err instanceof RouteNotFound ? 'NOT_FOUND' : err instanceof MalformedBody ? 'MALFORMED_BODY' : problemKind(err);
  const status = kind === 'BAD_REQUEST' ? (err as BodyParserError).status : STATUS_BY_KIND[kind];
  const problem: Problem = { kind, status, path };
  return (owner?.errorFormat ?? fallback).toHttpError(problem);
}

function send(res: Parameters<ErrorRequestHandler>[2], error: HttpError): void {
  res.status(error.status).set(error.headers);
  if (error.body === undefined) res.end();
  else if (typeof error.body === 'string') res.type('text/plain').send(error.body);
  else res.json(error.body);
}

export interface ErrorAnswerDeps {
  fallback: ErrorFormat;
  logger: Logger;
  ownerOf: (path: string) => Service | undefined;
}

/**
 * Any thrown value → the owner's response, logging what the client is not told: unknown errors with their stack,
 * answered with the owner's generic 500, never their message (conventions §3.2). Shared by the error middleware and
 * the fast lane, so both lanes answer a failure alike.
 */
export function createErrorAnswer(deps: ErrorAnswerDeps): (err: unknown, method: string, path: string) => HttpError {
  return (err, method, path) => {
    const owner = deps.ownerOf(path);
    const httpError = toHttpError(err, path, owner, deps.fallback);
    if (httpError.status >= 500) deps.logger.error({ err, service: owner?.name, method, path }, 'request failed');
    return httpError;
  };
}

/** The one error middleware, mounted last. */
export function createErrorHandler(deps: ErrorAnswerDeps): ErrorRequestHandler {
  const answer = createErrorAnswer(deps);
  return (err, req, res, next) => {
    // Express's default handler closes the socket when a response is already under way.
    if (res.headersSent) return next(err);
    send(res, answer(err, req.method, req.path));
  };
}
