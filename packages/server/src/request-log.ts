import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { routeLabel } from './metrics.js';

/** Fulcio propagates a client's `x-request-id` when it is at most 128 characters (ca-fulcio.md §1). */
const MAX_REQUEST_ID_LENGTH = 128;
const REQUEST_ID = /^[\w.:-]+$/;

function requestId(header: string | undefined): string {
  return header !== undefined && header.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID.test(header)
    ? header
    : randomUUID();
}

/**
 * One structured line per answered request: method, path, route, status, duration and request id. Deliberately
 * no headers (Authorization carries OIDC tokens), no query strings and no bodies (conventions §3.10).
 */
export function createRequestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const id = requestId(req.get('x-request-id'));
    res.set('x-request-id', id);
    res.once('finish', () => {
      logger.info(
        {
          requestId: id,
          method: req.method,
          // originalUrl: sub-routers rewrite req.url; the query string is dropped (it may carry identifiers).
          path: req.originalUrl.split('?', 1)[0],
          route: routeLabel(req),
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}
