import type { PathsWith, sigbox } from '@sigbox/api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { sigboxErrorFormat } from './error-formats.js';
import type { Api } from './pipeline/api.js';
import { serializedJson } from './pipeline/answer.js';
import { operationsOf, type Operation } from './pipeline/operation.js';
import { RequestProblem } from './pipeline/request-problem.js';
import type { TrustFile, TrustFileName } from './trust-files.js';

export type TrustedRootDocument = sigbox.components['schemas']['TrustedRoot'];

/** Resolves when the dependency answers (e.g. `SELECT 1` on the database); rejects otherwise. */
export type HealthCheck = () => Promise<void>;

/**
 * `/healthz` answers NOT_SERVING when the health check has not answered within this long: half of Kubernetes'
 * default probe timeout (`timeoutSeconds: 1`), so the answer is there within a second whatever the database does
 * (a partition answers nothing at all), leaving the rest for a loaded event loop and the trip back.
 */
export const HEALTH_CHECK_DEADLINE_MS = 500;

/**
 * The health check bounded by {@link HEALTH_CHECK_DEADLINE_MS}, one at a time: probes arriving while one check is
 * under way share its outcome. Behind a partition each check holds a pooled connection until the database
 * timeouts free it, and probes at a load balancer's pace must not take the pool from the requests.
 */
function boundedHealthCheck(check: HealthCheck): HealthCheck {
  let running: Promise<void> | undefined;
  return () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the health check did not answer within ${HEALTH_CHECK_DEADLINE_MS} ms`)), HEALTH_CHECK_DEADLINE_MS);
    });
    return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
  };
}

type SigboxGetPath = PathsWith<sigbox.paths, 'get'>;

/**
 * Where each trust file is served: Sigbox's own versioned namespace, which no upstream API claims (clients take a
 * file or a TUF mirror, so there is no upstream path), then a short alias for `curl -O`. Typed against
 * openapi/sigbox.yaml: a file served here but not documented there does not compile.
 */
const TRUST_FILE_PATHS = {
  'trusted_root.json': ['/sigbox/v1/trusted_root.json', '/trusted_root.json'],
  'signing_config.v0.2.json': ['/sigbox/v1/signing_config.v0.2.json', '/signing_config.v0.2.json'],
  'trust_config.json': ['/sigbox/v1/trust_config.json', '/trust_config.json'],
  'fulcio_v1.crt.pem': ['/sigbox/v1/fulcio_v1.crt.pem', '/fulcio_v1.crt.pem'],
  'rekor.pub': ['/sigbox/v1/rekor.pub', '/rekor.pub'],
  'ctfe.pub': ['/sigbox/v1/ctfe.pub', '/ctfe.pub'],
} as const satisfies Record<TrustFileName, readonly [SigboxGetPath, SigboxGetPath]>;

export const TRUSTED_ROOT_PATH = TRUST_FILE_PATHS['trusted_root.json'][0];
export const TRUSTED_ROOT_ALIAS = TRUST_FILE_PATHS['trusted_root.json'][1];

export interface SigboxApiDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** `/healthz` answers 503 when this rejects or takes longer than {@link HEALTH_CHECK_DEADLINE_MS} (a database ping). */
  readonly healthCheck?: HealthCheck | undefined;
  /** Current trust files (trusted root, signing config, keys); without it no trust file is served. */
  readonly trustFiles?: (() => readonly TrustFile[]) | undefined;
}

const op = operationsOf<sigbox.paths>();

/**
 * Serves each trust file as the exact text written to the data folder (so a client may fetch or read it, and a
 * hash of either matches). The getter lets a key rotation publish new files without restarting; `no-cache` makes
 * caches revalidate instead of serving a superseded root, and the ETag keeps revalidation cheap.
 */
function trustFileOperations(files: () => readonly TrustFile[]): Operation[] {
  return Object.entries(TRUST_FILE_PATHS).flatMap(([name, paths]) =>
    paths.map((path) =>
      op.get(
        path,
        // One handler for documents of different types: a JSON file is sent as the JSON bytes it was written as.
        (() => {
          const file = files().find((f) => f.name === name);
          if (file === undefined) throw new RequestProblem('NOT_FOUND', 404, `no ${name} here`);
          const headers = { 'Cache-Control': 'no-cache' };
          return file.contentType === 'application/json'
            ? { status: 200, body: serializedJson(Buffer.from(file.body)), headers }
            : { status: 200, body: file.body, contentType: file.contentType, headers };
        }) as never,
        { conditional: true },
      ),
    ),
  );
}

/**
 * Sigbox's own surface (openapi/sigbox.yaml): `/healthz` with Fulcio's body (`{"status":"SERVING"}`, 503
 * `NOT_SERVING` when the health check fails, so a load balancer stops routing to an instance without its database),
 * Prometheus `/metrics`, and the trust files.
 */
export function createSigboxApi(deps: SigboxApiDeps): Api {
  const healthCheck = deps.healthCheck && boundedHealthCheck(deps.healthCheck);
  const health = op.get('/healthz', async () => {
    try {
      await healthCheck?.();
    } catch (err) {
      deps.logger.warn({ err }, 'health check failed');
      return { status: 503, body: { status: 'NOT_SERVING' } };
    }
    return { status: 200, body: { status: 'SERVING' } };
  });
  const metrics = op.get('/metrics', async () => ({ status: 200, body: await deps.registry.metrics(), contentType: deps.registry.contentType }));
  return {
    name: 'sigbox',
    prefixes: [],
    errorFormat: sigboxErrorFormat,
    operations: [health, metrics, ...(deps.trustFiles ? trustFileOperations(deps.trustFiles) : [])],
  };
}
