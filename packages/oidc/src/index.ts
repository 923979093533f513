export { INVALID_IDENTITY_TOKEN_MESSAGE, OidcError, type OidcErrorCode, OidcConfigError, type OidcConfigErrorCode } from './error.js';
export {
  ISSUER_TYPES, DEFAULT_CLIENT_ID, type IssuerType, type OidcIssuerConfig, type IssuerMetadata, type IssuerConfig,
} from './config-types.js';
export type { ConfigFormat } from './config-keys.js';
export { loadIssuerConfig, parseIssuerConfig } from './config.js';
export {
  createIssuerRegistry, META_VERIFIER_CACHE_SIZE, type IssuerRegistry, type IssuerRegistryOptions, type ResolvedIssuer,
  type AddIssuerInput, type IssuerDescription,
} from './registry.js';
export { verifyToken } from './verify-token.js';
export type { Principal, SubjectAlternativeName } from './principal.js';
export {
  type FulcioExtension, type ExtensionField, OID_ISSUER, OID_ISSUER_V2, OID_TOKEN_SUBJECT, OID_OTHERNAME,
} from './extensions.js';
export { metaIssuerRegex } from './meta-issuer.js';
export {
  NBF_LEEWAY_SECONDS, JWKS_COOLDOWN_MS, JWKS_CACHE_MAX_AGE_MS, JWKS_MAX_BACKOFF_MS, JWKS_TIMEOUT_MS, type JwksRefreshFailure,
  type VerifierOptions, type IssuerVerifier,
} from './verifier.js';
export { DISCOVERY_TIMEOUT_MS, SUPPORTED_ALGORITHMS } from './discovery.js';
export { ISSUER_RESPONSE_MAX_BYTES, type FetchLike } from './issuer-fetch.js';
