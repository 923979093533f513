import { OidcError } from './error.js';
import { type FetchLike, fetchIssuerJson } from './issuer-fetch.js';

/** fulcio pkg/config/config.go `defaultOIDCDiscoveryTimeout`. */
export const DISCOVERY_TIMEOUT_MS = 10_000;
const WELL_KNOWN = '/.well-known/openid-configuration';

/** Signature algorithms go-oidc accepts (`supportedAlgorithms`); never `none`, never HMAC. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [
  'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA',
];
// go-oidc falls back to RS256 when the provider advertises none of the supported algorithms (verify.go).
const DEFAULT_ALGORITHMS = ['RS256'];

export interface Discovery {
  readonly jwksUri: URL;
  /** `id_token_signing_alg_values_supported` ∩ {@link SUPPORTED_ALGORITHMS}, or RS256. */
  readonly algorithms: readonly string[];
}

/**
 * OpenID Connect Discovery 1.0 §4 as go-oidc `NewProvider` does it: GET `{iss}/.well-known/openid-configuration`
 * (same-host redirects, 200 only, size-capped: {@link fetchIssuerJson}), the document's `issuer` must equal the URL
 * exactly (§4.3 — stops one issuer impersonating another).
 */
export async function discover(issuerUrl: string, fetchImpl: FetchLike, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<Discovery> {
  const location = issuerUrl.replace(/\/$/, '') + WELL_KNOWN;
  if (!URL.canParse(location)) fail(`issuer ${issuerUrl} is not a URL`);
  const url = new URL(location);
  const document = await fetchIssuerJson(url, { fetch: fetchImpl, timeoutMs, failure: 'DISCOVERY_FAILED' });
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return fail(`discovery document of ${issuerUrl} is not a JSON object`);
  const { issuer, jwks_uri: jwksUri, id_token_signing_alg_values_supported: advertised } = document as Record<string, unknown>;
  if (issuer !== issuerUrl) {
    fail(`oidc: issuer did not match the issuer returned by provider, expected "${issuerUrl}" got "${String(issuer)}"`);
  }
  return { jwksUri: jwksUrl(jwksUri, issuerUrl), algorithms: algorithms(advertised) };
}

function jwksUrl(value: unknown, issuerUrl: string): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) return fail(`discovery document of ${issuerUrl} has no valid jwks_uri`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`unsupported jwks_uri scheme ${url.protocol}`);
  return url;
}

function algorithms(advertised: unknown): string[] {
  const list = Array.isArray(advertised) ? advertised.filter((a): a is string => SUPPORTED_ALGORITHMS.includes(a as string)) : [];
  return list.length > 0 ? [...new Set(list)] : DEFAULT_ALGORITHMS;
}

function fail(detail: string): never {
  throw new OidcError('DISCOVERY_FAILED', detail);
}
