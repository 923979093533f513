import { KeyObject, type webcrypto } from 'node:crypto';
import { type JWTPayload, createRemoteJWKSet, customFetch } from 'jose';
import { type FetchLike, discover } from './discovery.js';
import { OidcError, type OidcErrorCode } from './error.js';
import { type CompactJws, type JwsKey, parseCompactJws, toJwsKey, verifyJwsSignature } from './jws-verify.js';
import { checkRegisteredClaims } from './registered-claims.js';

export { NBF_LEEWAY_SECONDS } from './registered-claims.js';
/** jose defaults (RemoteJWKSetOptions): an unknown `kid` refetches the JWKS at most once per cooldown. */
export const JWKS_COOLDOWN_MS = 30_000;
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
export const JWKS_TIMEOUT_MS = 10_000;

export interface VerifierOptions {
  fetch?: FetchLike;
  clock?: () => Date;
  discoveryTimeoutMs?: number;
  jwksTimeoutMs?: number;
  jwksCooldownMs?: number;
  jwksCacheMaxAgeMs?: number;
}

/** Verifies tokens of one issuer URL; discovery once, then one jose remote JWKS for its lifetime (it is the cache). */
export interface IssuerVerifier {
  readonly issuerUrl: string;
  /** Signature, `iss`, `aud`, `exp`/`nbf`; resolves to the verified claims. Throws {@link OidcError}. */
  verify(token: string): Promise<JWTPayload>;
  /** Runs discovery now (startup warm-up); a failure is retried on the next call. */
  prepare(): Promise<void>;
}

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

/**
 * The issuer's key for a token, from its discovered JWKS only: jose's remote JWKS picks the JWK (by `kid`, `kty`,
 * `crv`, `alg`, `use`, `key_ops`), refetches an unknown `kid` at most once per cooldown and imports each JWK once.
 * The imported key is then turned into a KeyObject once and remembered against it: jose hands back the same key
 * object for the same JWK of the same JWKS document, so this is a cache per (issuer, kid, alg) that a JWKS refresh
 * replaces on its own — a rotated key can never be served from it. jku/x5u/jwk/x5c headers are never consulted.
 */
function createKeyResolver(jwks: RemoteJwks): (jws: CompactJws) => Promise<JwsKey> {
  const keyObjects = new WeakMap<object, JwsKey>();
  return async (jws) => {
    let imported: Awaited<ReturnType<RemoteJwks>>;
    try {
      imported = await jwks(jws.header, { payload: jws.encodedPayload, signature: jws.encodedSignature });
    } catch (err) {
      throw fromJose(err);
    }
    let key = keyObjects.get(imported);
    if (!key) {
      key = toJwsKey(imported instanceof KeyObject ? imported : KeyObject.from(imported as webcrypto.CryptoKey));
      keyObjects.set(imported, key);
    }
    return key;
  };
}

export function createIssuerVerifier(issuerUrl: string, clientId: string, options: VerifierOptions = {}): IssuerVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  let state: Promise<{ keyFor: (jws: CompactJws) => Promise<JwsKey>; algorithms: ReadonlySet<string> }> | undefined;

  const ready = () => {
    if (!state) {
      const attempt = discover(issuerUrl, fetchImpl, options.discoveryTimeoutMs).then((d) => ({
        algorithms: new Set(d.algorithms),
        keyFor: createKeyResolver(createRemoteJWKSet(d.jwksUri, {
          timeoutDuration: options.jwksTimeoutMs ?? JWKS_TIMEOUT_MS,
          cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
          cacheMaxAge: options.jwksCacheMaxAgeMs ?? JWKS_CACHE_MAX_AGE_MS,
          [customFetch]: fetchImpl,
        })),
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
    const { keyFor, algorithms } = await ready();
    const now = clock();
    const jws = parseCompactJws(token, algorithms);
    await verifyJwsSignature(jws, await keyFor(jws));
    return checkRegisteredClaims(jws.encodedPayload, { issuer: issuerUrl, audience: clientId, now });
  };

  return { issuerUrl, verify, prepare: async () => { await ready(); } };
}

// What jose's remote JWKS throws while finding the key; a JWKS with several matching keys falls through to
// INVALID_SIGNATURE (jose's JWKSMultipleMatchingKeys), as it did under jwtVerify.
const JOSE_CODES: Record<string, OidcErrorCode> = {
  ERR_JWKS_NO_MATCHING_KEY: 'UNKNOWN_KEY',
  ERR_JWKS_TIMEOUT: 'JWKS_FAILED',
  ERR_JWKS_INVALID: 'JWKS_FAILED',
  ERR_JOSE_GENERIC: 'JWKS_FAILED', // jose: "Expected 200 OK from the JSON Web Key Set HTTP response"
};

function fromJose(err: unknown): OidcError {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  const mapped = (code ? JOSE_CODES[code] : undefined) ?? (err instanceof TypeError ? 'JWKS_FAILED' : 'INVALID_SIGNATURE');
  return new OidcError(mapped, `${code ?? 'error'}: ${message ?? String(err)}`, { cause: err });
}
