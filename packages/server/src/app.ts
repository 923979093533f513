import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { sigboxErrorFormat } from './error-formats.js';
import type { Api } from './pipeline/api.js';
import { type Guard, createPipeline } from './pipeline/pipeline.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './listen.js';
import { type HealthCheck, createSigboxApi } from './sigbox-api.js';
import type { TrustFile } from './trust-files.js';

/** Fulcio and rekor-tiles both cap request bodies at 4 MiB by default. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

export interface AppDeps {
  readonly logger: Logger;
  /** Upstream-shaped APIs (Fulcio, Rekor, CT…), served beside Sigbox's own endpoints. */
  readonly apis?: readonly Api[];
  /** Request body limit in bytes; larger bodies get 413 in the owner's error format. */
  readonly bodyLimit?: number;
  /** The time a request body has to arrive once its headers are in; past it 408 in the owner's error format. */
  readonly requestTimeoutMs?: number;
  /** `/healthz` answers 503 when this rejects (typically a database ping). */
  readonly healthCheck?: HealthCheck;
  /** Current trust files (trusted root, signing config, keys); without them no trust file is served. */
  readonly trustFiles?: () => readonly TrustFile[];
  /** Metrics registry; a fresh one per app by default (never prom-client's global registry). */
  readonly registry?: Registry;
  /** Checks every request passes before its operation runs (rate limits, authentication). */
  readonly guards?: readonly Guard[];
}

/**
 * The whole HTTP surface as a request listener that never listens (supertest drives it in process; startServer
 * listens): Sigbox's own endpoints and every API's operations, all through the one request pipeline.
 *
 * @example
 * const app = createApp({ logger: pino({ enabled: false }), apis: [rekorApi] });
 * await request(app).get('/healthz').expect(200, { status: 'SERVING' });
 */
export function createApp(deps: AppDeps): RequestListener {
  const registry = deps.registry ?? new Registry();
  const sigbox = createSigboxApi({ logger: deps.logger, registry, healthCheck: deps.healthCheck, trustFiles: deps.trustFiles });
  return createPipeline({
    apis: [sigbox, ...(deps.apis ?? [])],
    logger: deps.logger,
    registry,
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    bodyTimeoutMs: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    fallbackErrorFormat: sigboxErrorFormat,
    guards: deps.guards ?? [],
  });
}
