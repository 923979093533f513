import { TrustError } from './error.js';
import { validityPeriod } from './time-range.js';
import { SIGNING_CONFIG_MEDIA_TYPE, type Service, type SigningConfig } from './types.js';
import { serviceUrl } from './url.js';

/** A service as a URL (API version 1, the config's operator and start) or with its own fields. */
export type ServiceInput =
  | string
  | { url: string; majorApiVersion?: number; validFrom?: Date; validUntil?: Date; operator?: string };

export interface SigningConfigOptions {
  /** Fulcio-style CA base URLs (clients append `/api/v2/signingCert`). */
  caUrls: ServiceInput[];
  /** OIDC issuer URLs, for discovery. */
  oidcUrls?: ServiceInput[];
  /** Rekor base URLs; `majorApiVersion: 2` marks a v2 (tiles) log. */
  rekorTlogUrls: ServiceInput[];
  /** Full timestamp URLs (`…/api/v1/timestamp`). */
  tsaUrls?: ServiceInput[];
  /** Set on every entry: Go and Python clients pick at most one service per operator. */
  operator: string;
  /** Default `validFor.start`; must be in the past when clients read it, or the service is skipped. */
  validFrom: Date;
}

// Major API versions clients select (sigstore-go FulcioAPIVersions = [1], Rekor [1, 2], TSA [1]; sigstore-js
// filters ≤ 1/2/1). Fulcio is 1 although its path is /api/v2/… .
const SUPPORTED_VERSIONS = {
  caUrls: [1],
  oidcUrls: [1],
  rekorTlogUrls: [1, 2],
  tsaUrls: [1],
} as const satisfies Record<string, readonly number[]>;

/**
 * Assembles `signing_config.v0.2.json`. Selectors are `ANY` because sigstore-js throws on anything else.
 * Without a TSA there is no `tsaConfig`: a selector over no services makes sigstore-js
 * `bundleBuilderFromSigningConfig` throw "No valid TSAs found in signing configuration" (@sigstore/sign 5.1.0
 * config.js tsaService) and sigstore-python `SigningConfig` raise "Expected 1 services in signing config, found 0"
 * (`_get_valid_services`); both skip the TSA when the selector is absent, and cosign only reads it when
 * `tsaUrls` is non-empty (cosign v3 pkg/cosign/bundle/sign.go).
 * A Rekor v2 log without a TSA is refused: listing a v2 log switches Go/Python clients to it, and v2 entries
 * carry no integrated time, so cosign ≥ 3.0.5 refuses to sign keyless without a timestamp.
 *
 * @example
 * buildSigningConfig({ caUrls: ['https://fulcio.example'], rekorTlogUrls: ['https://rekor.example'],
 *   operator: 'example.com', validFrom: new Date('2026-01-01T00:00:00Z') })
 */
export function buildSigningConfig(options: SigningConfigOptions): SigningConfig {
  if (options.operator.trim() === '') throw new TrustError('INVALID_SERVICE', 'operator must not be empty');
  const services = (kind: keyof typeof SUPPORTED_VERSIONS, inputs: ServiceInput[] = []) =>
    inputs.map((input) => toService(kind, input, options));
  const tsaUrls = services('tsaUrls', options.tsaUrls);
  const config: SigningConfig = {
    mediaType: SIGNING_CONFIG_MEDIA_TYPE,
    caUrls: services('caUrls', options.caUrls),
    oidcUrls: services('oidcUrls', options.oidcUrls),
    rekorTlogUrls: services('rekorTlogUrls', options.rekorTlogUrls),
    rekorTlogConfig: { selector: 'ANY' },
    tsaUrls,
    ...(tsaUrls.length === 0 ? {} : { tsaConfig: { selector: 'ANY' } }),
  };
  if (config.rekorTlogUrls.some((s) => s.majorApiVersion === 2) && config.tsaUrls.length === 0) {
    throw new TrustError('INVALID_SERVICE', 'a Rekor v2 log requires a timestamp authority in the signing config');
  }
  return config;
}

function toService(kind: keyof typeof SUPPORTED_VERSIONS, input: ServiceInput, defaults: SigningConfigOptions): Service {
  const spec = typeof input === 'string' ? { url: input } : input;
  const majorApiVersion = spec.majorApiVersion ?? 1;
  if (!(SUPPORTED_VERSIONS[kind] as readonly number[]).includes(majorApiVersion)) {
    throw new TrustError('INVALID_SERVICE', `${kind} do not support majorApiVersion ${majorApiVersion}`, {
      details: { url: spec.url, supported: SUPPORTED_VERSIONS[kind] },
    });
  }
  const operator = spec.operator ?? defaults.operator;
  if (operator.trim() === '') throw new TrustError('INVALID_SERVICE', 'operator must not be empty', { details: { url: spec.url } });
  return {
    url: serviceUrl(spec.url),
    majorApiVersion,
    validFor: validityPeriod(spec.validFrom ?? defaults.validFrom, spec.validUntil),
    operator,
  };
}
