import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry, collectDefaultMetrics } from 'prom-client';

/** Like Fulcio's HTTP front end, a client's `x-request-id` is kept (and echoed) when it is at most 128 characters. */
const MAX_REQUEST_ID_LENGTH = 128;
const REQUEST_ID = /^[\w.:-]+$/;

/** Label for requests no operation matched: raw paths would give attackers unbounded label cardinality. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Buckets in seconds: most calls take milliseconds, signing and proofs under a second, slow DB up to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && header.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID.test(header) ? header : randomUUID();
}

/** One request being answered: its id (echoed in `x-request-id`) and the call that records it once answered. */
export interface Observation {
  readonly requestId: string;
  /** Records the answered request under its route template (never the concrete path) and status. */
  finish(route: string, status: number): void;
}

/**
 * Every answered request becomes one structured log line (method, path, route, status, duration, request id —
 * deliberately no headers, query strings or bodies: they carry tokens and identities) and one sample of
 * `sigbox_http_requests_total` / `sigbox_http_request_duration_seconds`.
 */
export interface RequestObserver {
  start(req: IncomingMessage): Observation;
}

export function createRequestObserver(logger: Logger, registry: Registry): RequestObserver {
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'sigbox_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'sigbox_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status.',
    labelNames,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    start(req) {
      const started = process.hrtime.bigint();
      const id = requestId(req.headers['x-request-id']);
      // No query string: it may carry identifiers.
      const url = req.url ?? '/';
      return {
        requestId: id,
        finish(route, status) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const labels = { method: req.method ?? 'GET', route, status: String(status) };
          requests.inc(labels);
          duration.observe(labels, seconds);
          logger.info(
            { requestId: id, method: labels.method, path: url.split('?', 1)[0], route, status, durationMs: seconds * 1e3 },
            'request',
          );
        },
      };
    },
  };
}
