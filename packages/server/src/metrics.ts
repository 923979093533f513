import type { Request, RequestHandler } from 'express';
import type { RequestObserver } from './request-observer.js';

/** Label for requests no route matched: raw paths would give attackers unbounded label cardinality. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The route pattern (`/api/v1/log/entries/:entryUUID`), never the concrete path. */
export function routeLabel(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route?.path === undefined) return UNMATCHED_ROUTE;
  return `${req.baseUrl}${String(route.path)}`;
}

/** Express's side of the {@link RequestObserver}: the route is known only once the answer is finished. */
export function observeRequests(observer: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const observation = observer.start(req);
    res.set('x-request-id', observation.requestId);
    res.once('finish', () => observation.finish(routeLabel(req), res.statusCode));
    next();
  };
}
