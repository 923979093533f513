import { CLIENT_TRUST_CONFIG_MEDIA_TYPE, type ClientTrustConfig, type SigningConfig, type TrustedRoot } from './types.js';

/**
 * Wraps both documents in one `trust_config.json`, the file sigstore-python takes with `--trust-config`
 * (`ClientTrustConfig.from_json`) and scaffolding publishes.
 */
export function buildClientTrustConfig(trustedRoot: TrustedRoot, signingConfig: SigningConfig): ClientTrustConfig {
  return { mediaType: CLIENT_TRUST_CONFIG_MEDIA_TYPE, trustedRoot, signingConfig };
}
