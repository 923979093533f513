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
export type { HealthCheck } from './health.js';
export { TRUSTED_ROOT_PATH, TRUSTED_ROOT_ALIAS, type TrustedRootDocument } from './trust-routes.js';
