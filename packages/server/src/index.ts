export { createApp, DEFAULT_BODY_LIMIT, type AppDeps } from './app.js';
export { HttpError, type ErrorFormat, type Problem, type ProblemKind } from './http-error.js';
export {
  fulcioErrorFormat,
  rekorErrorFormat,
  sigboxErrorFormat,
  plainTextErrorFormat,
  fulcioError,
  rekorError,
  grpcCodeFor,
} from './error-formats.js';
export { toHttpError } from './error-handler.js';
export { findOwner, type Service, type MountContext } from './service.js';
export type { FastRoute, FastJsonPost, FastAnswer } from './fast-lane.js';
export type { HealthCheck } from './health.js';
export { TRUSTED_ROOT_PATH, TRUSTED_ROOT_ALIAS, type TrustedRootDocument } from './trust-routes.js';
export {
  startServer,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  TRUSTED_ROOT_FILE,
  PGLITE_DIR,
  type ServerConfig,
  type StartOptions,
  type RunningServer,
} from './start-server.js';
export { createDevIssuerService, signDevToken, DEV_ISSUER_PATH, type DevIssuerOptions } from './dev-issuer/dev-issuer.js';
export { mapRekorError } from './rekor/rekor-errors.js';
export { StartError, type StartErrorCode } from './error.js';
export { DATA_DIR_MODE } from './data-dir.js';
export { httpUrl } from './listen.js';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export { createRekorService } from './rekor/rekor-service.js';
