import { OidcError } from './error.js';

/** fulcio pkg/config/config.go `defaultOIDCDiscoveryTimeout`. */
export const DISCOVERY_TIMEOUT_MS = 10_000;
// Go's http.Client follows at most 10 redirects; Fulcio refuses any that leave the host (noRedirectClient).
const MAX_REDIRECTS = 10;
const WELL_KNOWN = '/.well-known/openid-configuration';

/** Signature algorithms go-oidc accepts (`supportedAlgorithms`); never `none`, never HMAC. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [
  'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA',
];
// go-oidc falls back to RS256 when the provider advertises none of the supported algorithms (verify.go).
const DEFAULT_ALGORITHMS = ['RS256'];

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface Discovery {
  readonly jwksUri: URL;
  /** `id_token_signing_alg_values_supported` ∩ {@link SUPPORTED_ALGORITHMS}, or RS256. */
  readonly algorithms: readonly string[];
}

/**
 * OpenID Connect Discovery 1.0 §4 as go-oidc `NewProvider` does it: GET `{iss}/.well-known/openid-configuration`,
 * 200 only, the document's `issuer` must equal the URL exactly (§4.3 — stops one issuer impersonating another).
 */
export async function discover(issuerUrl: string, fetchImpl: FetchLike, timeoutMs = DISCOVERY_TIMEOUT_MS): Promise<Discovery> {
  const url = issuerUrl.replace(/\/$/, '') + WELL_KNOWN;
  const response = await fetchSameHost(url, fetchImpl, AbortSignal.timeout(timeoutMs));
  if (response.status !== 200) fail(`${response.status} from ${url}`);
  let document: Record<string, unknown>;
  try {
    document = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    return fail(`discovery document of ${issuerUrl} is not JSON`, cause);
  }
  if (document.issuer !== issuerUrl) {
    fail(`oidc: issuer did not match the issuer returned by provider, expected "${issuerUrl}" got "${String(document.issuer)}"`);
  }
  return { jwksUri: jwksUrl(document.jwks_uri, issuerUrl), algorithms: algorithms(document.id_token_signing_alg_values_supported) };
}

async function fetchSameHost(start: string, fetchImpl: FetchLike, signal: AbortSignal): Promise<Response> {
  let url = new URL(start);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json' } });
    } catch (cause) {
      return fail(`fetching ${url.href}: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    const next = new URL(location, url);
    if (next.host !== url.host) fail(`oidc: redirect to different host "${next.host}" blocked`);
    if (hop + 1 >= MAX_REDIRECTS) fail('stopped after 10 redirects');
    url = next;
  }
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

function fail(detail: string, cause?: unknown): never {
  throw new OidcError('DISCOVERY_FAILED', detail, cause === undefined ? {} : { cause });
}
