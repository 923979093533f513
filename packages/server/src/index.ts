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
export { type Api, findOwner } from './pipeline/api.js';
export { type Answer, JSON_CONTENT_TYPE, serializedJson } from './pipeline/answer.js';
export { type Operation, type OperationOptions, type BodyKind, operationsOf } from './pipeline/operation.js';
export { type Guard, type GuardedRequest } from './pipeline/pipeline.js';
export { RETRY_AFTER_SECONDS, toHttpError } from './pipeline/error-answer.js';
export { TRUSTED_ROOT_PATH, TRUSTED_ROOT_ALIAS, HEALTH_CHECK_DEADLINE_MS, type TrustedRootDocument, type HealthCheck } from './sigbox-api.js';
export {
  startServer,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_DATABASE_WAIT_MS,
  TRUSTED_ROOT_FILE,
  PGLITE_DIR,
  type ServerConfig,
  type StartOptions,
  type RunningServer,
} from './start-server.js';
export { createDevIssuerApi, signDevToken, DEV_ISSUER_PATH, type DevIssuerOptions } from './dev-issuer/dev-issuer.js';
export { mapRekorError } from './rekor/rekor-errors.js';
export { StartError, type StartErrorCode } from './error.js';
// What `sigbox up --database-timeout` overrides, for the cli's help: the cli reaches the database only through here.
export { DEFAULT_DB_TIMEOUTS } from '@sigbox/db';
export { DATA_DIR_MODE } from './data-dir.js';
export { httpUrl, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS } from './listen.js';
export { DEFAULT_ENTRY_CACHE_BYTES } from '@sigbox/rekor';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export { createRekorApi } from './rekor/rekor-api.js';
export { createRekorV2Api } from './rekor-v2/rekor-v2-api.js';
export { mapRekorV2Error } from './rekor-v2/rekor-v2-errors.js';
export { openRekorV2, type RekorV2Setup, type RekorV2SetupOptions } from './rekor-v2/open-rekor-v2.js';
export { createFulcioApi } from './fulcio/fulcio-api.js';
export { createCtApi } from './ct/ct-api.js';
export { createExplorerApi, type ExplorerDeps, type ExplorerShard } from './explorer/explorer-api.js';
export { type StaticSite, type SiteFile, EXPLORER_CSP } from './explorer/static-site.js';
export { type StatusTree, STATUS_WINDOW_MINUTES } from './explorer/explorer-status.js';
export { initKeyring, type InitKeyringOptions, type InitializedKeyring, type CeremonyCustody } from './trust/init-keyring.js';
export { DEV_KEYS_DIR } from './trust/dev-keyring.js';
export { rotateKey, rotateKeyIn, type RotatableRole, type RotateOptions, type RotateInOptions, type Rotation } from './trust/rotate.js';
export { verifyBox, type VerifyOptions, type VerifyProgress, type BoxVerification, type TreeVerification } from './verify/verify-box.js';
export { VerifyError, type VerifyErrorCode } from './error.js';
export { DEFAULT_TUF_REFRESH_MS } from './tuf/tuf-service.js';
export { DEFAULT_ONLINE_POLICY } from '@sigbox/tuf';
export { signNextRoot, type NextRootOptions, type NextRoot } from './tuf/tuf-ceremony.js';
export { publishTufTargets, type PublishTargetsOptions, type PublishedTargets } from './tuf/tuf-publish.js';
export { readTufStatus, type TufStatus, type TufRoleStatus, type TufTargetStatus, type TufFreshness } from './tuf/tuf-status.js';
export { TufCeremonyError, type TufCeremonyErrorCode } from './tuf/tuf-ceremony-error.js';
export { ROOT_LIFETIME_MS } from './tuf/tuf-root.js';
export { OFFLINE_WARNING_MS } from './tuf/tuf-service.js';
export { TARGETS_LIFETIME_MS } from './tuf/tuf-publication.js';
export { createRateLimitStore } from './fulcio/rate-limit-store.js';
export { DEFAULT_RELOAD_DEBOUNCE_MS, DEFAULT_RELOAD_POLL_MS } from './reload/file-watch.js';
