import type { JWTPayload } from 'jose';
import { discover } from './discovery.js';
import { type FetchLike, fetchIssuerJson } from './issuer-fetch.js';
import { type JwksRefreshFailure, createJwksCache } from './jwks-cache.js';
import { parseCompactJws, verifyJwsSignature } from './jws-verify.js';
import { checkRegisteredClaims } from './registered-claims.js';

export { NBF_LEEWAY_SECONDS } from './registered-claims.js';
export { JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS, JWKS_MAX_BACKOFF_MS, type JwksRefreshFailure } from './jwks-cache.js';
/**
 * One JWKS fetch, headers and body. go-oidc's runs without a deadline of its own (NewProvider's cloneContext keeps
 * the HTTP client, not the timeout); bounded here by Fulcio's discovery figure (config.go defaultOIDCDiscoveryTimeout).
 */
export const JWKS_TIMEOUT_MS = 10_000;

export interface VerifierOptions {
  fetch?: FetchLike;
  /** Token time checks and the key cache's clock. */
  clock?: () => Date;
  discoveryTimeoutMs?: number;
  jwksTimeoutMs?: number;
  jwksCooldownMs?: number;
  jwksCacheMaxAgeMs?: number;
  jwksMaxBackoffMs?: number;
  /** Told of each failed JWKS fetch (the keys in use stay in use): for the operator's log. */
  onJwksRefreshFailed?: (issuerUrl: string, failure: JwksRefreshFailure) => void;
}

/** Verifies tokens of one issuer URL; discovery once, then the issuer's key-set cache for its lifetime. */
export interface IssuerVerifier {
  readonly issuerUrl: string;
  /** Signature, `iss`, `aud`, `exp`/`nbf`; resolves to the verified claims. Throws {@link OidcError}. */
  verify(token: string): Promise<JWTPayload>;
  /** Runs discovery now (startup warm-up); a failure is retried on the next call. */
  prepare(): Promise<void>;
}

export function createIssuerVerifier(issuerUrl: string, clientId: string, options: VerifierOptions = {}): IssuerVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  type Ready = { keys: ReturnType<typeof createJwksCache>; algorithms: ReadonlySet<string> };
  let state: Promise<Ready> | undefined;

  const ready = () => {
    if (!state) {
      const attempt = discover(issuerUrl, fetchImpl, options.discoveryTimeoutMs).then((d): Ready => ({
        algorithms: new Set(d.algorithms),
        // Only the discovered jwks_uri: jku/x5u/jwk/x5c headers are never consulted.
        keys: createJwksCache({
          fetchKeys: () => fetchIssuerJson(d.jwksUri, { fetch: fetchImpl, timeoutMs: options.jwksTimeoutMs ?? JWKS_TIMEOUT_MS, failure: 'JWKS_FAILED' }),
          now: () => clock().getTime(),
          ...(options.jwksCacheMaxAgeMs === undefined ? {} : { maxAgeMs: options.jwksCacheMaxAgeMs }),
          ...(options.jwksCooldownMs === undefined ? {} : { cooldownMs: options.jwksCooldownMs }),
          ...(options.jwksMaxBackoffMs === undefined ? {} : { maxBackoffMs: options.jwksMaxBackoffMs }),
          onRefreshFailed: (failure) => options.onJwksRefreshFailed?.(issuerUrl, failure),
        }),
      }));
      // Like Fulcio, a failed discovery is not remembered: the next token retries it.
      attempt.catch(() => { if (state === attempt) state = undefined; });
      state = attempt;
    }
    return state;
  };

  // jose's jwtVerify did this before on WebCrypto (ES256 ≈ 120 µs of event loop, now ≈ 70; bench/ca/steps.ts): the
  // same checks in the same order — header and alg, the issuer's key, the signature, then the registered claims.
  const verify = async (token: string): Promise<JWTPayload> => {
    const { keys, algorithms } = await ready();
    const now = clock();
    const jws = parseCompactJws(token, algorithms);
    await verifyJwsSignature(jws, await keys.keyFor(jws));
    return checkRegisteredClaims(jws.encodedPayload, { issuer: issuerUrl, audience: clientId, now });
  };

  return { issuerUrl, verify, prepare: async () => { await ready(); } };
}
