import type { ErrorFormat, HttpError } from '../http-error.js';
import type { Operation } from './operation.js';

/**
 * One upstream-shaped API served by the app (Fulcio, Rekor v1, the CT log, Sigbox's own endpoints): its operations
 * and how its upstream words errors. Fulcio and Rekor share `/api/v1`, so errors on paths no operation matched
 * belong to the API with the longest matching prefix.
 *
 * @example
 * const rekor: Api = {
 *   name: 'rekor', prefixes: ['/api/v1/log', '/api/v1/index'], errorFormat: rekorErrorFormat,
 *   mapError: (err) => (err instanceof RekorError ? rekorError(err.status, err.message) : undefined),
 *   operations: [op.get('/api/v1/log', async () => ({ status: 200, body: await log.logInfo() }))],
 * };
 */
export interface Api {
  /** Short name for logs (`fulcio`, `rekor`, `ct`). */
  readonly name: string;
  /** Path prefixes this API owns: errors under them (404, bad JSON, 413, 500) use its error format. */
  readonly prefixes: readonly string[];
  readonly errorFormat: ErrorFormat;
  /** Maps the API's domain errors (its package's BaseError codes) to answers; `undefined` = not mine → generic 500. */
  mapError?(err: unknown): HttpError | undefined;
  readonly operations: readonly Operation[];
}

/** A prefix owns `/p` and `/p/...`, never `/pfoo`. */
function owns(prefix: string, path: string): boolean {
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

/**
 * The API owning a path: the longest matching prefix wins, so `/api/v1/log` (Rekor) beats `/api/v1` if an API
 * ever claims the latter. `undefined` = Sigbox's own surface.
 */
export function findOwner(apis: readonly Api[], path: string): Api | undefined {
  let best: { api: Api; length: number } | undefined;
  for (const api of apis) {
    for (const prefix of api.prefixes) {
      if (owns(prefix, path) && (best === undefined || prefix.length > best.length)) best = { api, length: prefix.length };
    }
  }
  return best?.api;
}
