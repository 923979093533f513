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

/** Last route: nothing matched, so the owner of the path answers its 404. */
export const notFound: RequestHandler = (_req, _res, next) => next(new RouteNotFound('no route'));

/** Pure core of the error middleware: any thrown value → the response the owning service would send. */
export function toHttpError(err: unknown, path: string, owner: Service | undefined, fallback: ErrorFormat): HttpError {
  if (err instanceof HttpError) return err;
  const mapped = owner?.mapError?.(err);
  if (mapped !== undefined) return mapped;
  const kind = err instanceof RouteNotFound ? 'NOT_FOUND' : problemKind(err);
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

/**
 * The one error middleware, mounted last. Unknown errors are logged with their stack and answered with the owner's
 * generic 500, never their message (conventions §3.2).
 */
export function createErrorHandler(deps: {
  fallback: ErrorFormat;
  logger: Logger;
  ownerOf: (path: string) => Service | undefined;
}): ErrorRequestHandler {
  return (err, req, res, next) => {
    // Express's default handler closes the socket when a response is already under way.
    if (res.headersSent) return next(err);
    const owner = deps.ownerOf(req.path);
    const httpError = toHttpError(err, req.path, owner, deps.fallback);
    if (httpError.status >= 500) {
      deps.logger.error({ err, service: owner?.name, method: req.method, path: req.path }, 'request failed');
    }
    send(res, httpError);
  };
}
