export { TrustError, type TrustErrorCode } from './error.js';
export {
  TRUSTED_ROOT_MEDIA_TYPE,
  SIGNING_CONFIG_MEDIA_TYPE,
  CLIENT_TRUST_CONFIG_MEDIA_TYPE,
  type PublicKeyDetails,
  type TimeRange,
  type PublicKey,
  type TransparencyLogInstance,
  type DistinguishedName,
  type CertificateAuthority,
  type TrustedRoot,
  type Service,
  type ServiceSelector,
  type ServiceConfiguration,
  type SigningConfig,
  type ClientTrustConfig,
} from './types.js';
export { truncateToSecond, formatTimestamp, validityPeriod } from './time-range.js';
export { publicKeyDetails } from './key-details.js';
export { transparencyLogInstance, ctLogInstance, type TransparencyLogOptions } from './transparency-log.js';
export { certificateAuthority, timestampAuthority, type CertificateAuthorityOptions } from './certificate-authority.js';
export { buildTrustedRoot, type TrustedRootParts } from './trusted-root.js';
export { buildSigningConfig, type ServiceInput, type SigningConfigOptions } from './signing-config.js';
export { buildClientTrustConfig } from './client-trust-config.js';
export { serializeTrustDocument } from './serialize.js';
