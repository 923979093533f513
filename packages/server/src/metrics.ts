import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

/** Label for requests no route matched: raw paths would give attackers unbounded label cardinality. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Buckets in seconds: most calls take milliseconds, signing and proofs under a second, slow DB up to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route pattern (`/api/v1/log/entries/:entryUUID`), never the concrete path. */
export function routeLabel(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route?.path === undefined) return UNMATCHED_ROUTE;
  return `${req.baseUrl}${String(route.path)}`;
}

/**
 * Default Node metrics plus `sigbox_http_requests_total` and `sigbox_http_request_duration_seconds`, labelled by
 * method, route pattern and status, all on the given per-app registry (several apps share one test process).
 */
export function createHttpMetrics(registry: Registry): RequestHandler {
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
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
