import type { RequestListener } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { createErrorAnswer, createErrorHandler, notFound } from './error-handler.js';
import { sigboxErrorFormat } from './error-formats.js';
import { createHealthHandler, type HealthCheck } from './health.js';
import { withFastLane } from './fast-lane.js';
import { observeRequests } from './metrics.js';
import { createRequestObserver } from './request-observer.js';
import { findOwner, type MountContext, type Service } from './service.js';
import type { TrustFile } from './trust-files.js';
import { mountTrustFiles } from './trust-routes.js';

/** Fulcio and rekor-tiles both cap request bodies at 4 MiB (ca-fulcio.md §1, conventions §1). */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface AppDeps {
  readonly logger: Logger;
  /** Upstream-shaped APIs, mounted in order after Sigbox's own routes. */
  readonly services?: readonly Service[];
  /** Request body limit in bytes; larger bodies get 413 in the owner's error format. */
  readonly bodyLimit?: number;
  /** `/healthz` answers 503 when this rejects (typically a database ping). */
  readonly healthCheck?: HealthCheck;
  /** Current trust files (trusted root, signing config, keys); without it the trust routes are not mounted. */
  readonly trustFiles?: () => readonly TrustFile[];
  /** Metrics registry; a fresh one per app by default (never prom-client's global registry). */
  readonly registry?: Registry;
}

/**
 * The whole HTTP surface as a request listener that never listens (supertest drives it in process; startServer
 * listens): the services' fast routes first, then an Express 5 app. Express order: request log and metrics, JSON
 * bodies, Sigbox's routes, services, 404, the one error handler.
 *
 * @example
 * const app = createApp({ logger: pino({ enabled: false }), services: [rekorService] });
 * await request(app).get('/healthz').expect(200, { status: 'SERVING' });
 */
export function createApp(deps: AppDeps): RequestListener {
  const registry = deps.registry ?? new Registry();
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const services = deps.services ?? [];
  const app = express();
  app.disable('x-powered-by');

  const observer = createRequestObserver(deps.logger, registry);
  app.use(observeRequests(observer));
  // Only JSON media types here; a service needing raw or any-type bodies adds its own parser with ctx.bodyLimit.
  app.use(express.json({ limit: bodyLimit }));

  app.get('/healthz', createHealthHandler(deps.healthCheck, deps.logger));
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  if (deps.trustFiles) mountTrustFiles(app, deps.trustFiles);

  for (const service of services) {
    const router = express.Router();
    const ctx: MountContext = { bodyLimit, registry, logger: deps.logger.child({ service: service.name }) };
    service.mount(router, ctx);
    app.use(router);
  }

  app.use(notFound);
  const errors = { fallback: sigboxErrorFormat, logger: deps.logger, ownerOf: (path: string) => findOwner(services, path) };
  app.use(createErrorHandler(errors));
  return withFastLane(app, {
    routes: services.flatMap((s) => s.fastRoutes ?? []),
    posts: services.flatMap((s) => s.fastPosts ?? []),
    observer,
    bodyLimit,
    errorAnswer: createErrorAnswer(errors),
  });
}
