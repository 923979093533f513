import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { FastJsonPost, FastRoute } from './fast-lane.js';
import type { ErrorFormat, HttpError } from './http-error.js';

/** What {@link createApp} hands a service when it mounts. */
export interface MountContext {
  /** Maximum request body in bytes; body parsers a service adds itself must use it. */
  readonly bodyLimit: number;
  readonly logger: Logger;
  /** The app's own metrics registry: register service metrics here, never on prom-client's global one. */
  readonly registry: Registry;
}

/**
 * One upstream-shaped API mounted into the app (Fulcio, Rekor v1, a CT log…). Routes are declared with their full
 * paths (`/api/v2/signingCert`) on the given router, which is mounted at `/`: Fulcio and Rekor share `/api/v1`, so
 * ownership is by path prefix, not by mount point.
 *
 * @example
 * const rekor: Service = {
 *   name: 'rekor', prefixes: ['/api/v1/log', '/api/v1/index'], errorFormat: rekorErrorFormat,
 *   mapError: (err) => err instanceof RekorError && err.code === 'UNAVAILABLE' ? rekorError(503, 'busy') : undefined,
 *   mount(router) { router.get('/api/v1/log', getLogInfo); },
 * };
 */
export interface Service {
  /** Short name for logs (`fulcio`, `rekor`, `ct`). */
  readonly name: string;
  /** Path prefixes this service owns: errors under them (404, bad JSON, 413, 500) use its error format. */
  readonly prefixes: readonly string[];
  readonly errorFormat: ErrorFormat;
  /** Maps the service's domain errors (BaseError codes) to responses; `undefined` = not mine → generic 500. */
  mapError?(err: unknown): HttpError | undefined;
  mount(router: Router, ctx: MountContext): void;
  /** Hot GETs answered before Express when they can be (each also has its Express route for everything else). */
  readonly fastRoutes?: readonly FastRoute[];
  /** Hot JSON POSTs answered before Express whenever their body is plain JSON (each also has its Express route). */
  readonly fastPosts?: readonly FastJsonPost[];
}

/** A prefix owns `/p` and `/p/...`, never `/pfoo`. */
function owns(prefix: string, path: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

/**
 * The service owning a path: the longest matching prefix wins, so `/api/v1/log` (Rekor) beats `/api/v1` if a
 * service ever claims the latter. `undefined` = Sigbox's own surface.
 */
export function findOwner(services: readonly Service[], path: string): Service | undefined {
  let best: { service: Service; length: number } | undefined;
  for (const service of services) {
    for (const prefix of service.prefixes) {
      if (owns(prefix, path) && (best === undefined || prefix.length > best.length)) {
        best = { service, length: prefix.length };
      }
    }
  }
  return best?.service;
}
