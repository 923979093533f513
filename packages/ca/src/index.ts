export { CaError, CA_MESSAGES, CA_ERROR_STATUS, type CaErrorCode } from './errors.js';
export { createCaService, type CaService, type CaServiceDeps, type IssuedSigningCertificate } from './ca-service.js';
export { parseSigningRequestV1, parseSigningRequestV2, bearerToken, type SigningRequest } from './signing-request.js';
export type { SctIssuer } from './sct-issuer.js';
export { checkSigningAlgorithm } from './key-policy.js';
export * from './ceremony/index.js';
export { DEFAULT_LEAF_TTL_MS as CERTIFICATE_LIFETIME_MS } from '@sigbox/x509';
export {
  createPolicyGate, type IssuanceGate, type Admission, type RateLimiter, type RateLimitKey, type RateLimitTake,
} from './issuance/issuance-gate.js';
export { identityOfPrincipal } from './issuance/principal-identity.js';
