import { type JWTPayload, createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { type FetchLike, discover } from './discovery.js';
import { OidcError, type OidcErrorCode } from './error.js';

/** go-oidc accepts `nbf` up to 5 minutes ahead (verify.go, "leeway"); `exp` gets none. */
export const NBF_LEEWAY_SECONDS = 300;
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

export function createIssuerVerifier(issuerUrl: string, clientId: string, options: VerifierOptions = {}): IssuerVerifier {
  const fetchImpl = options.fetch ?? fetch;
  const clock = options.clock ?? (() => new Date());
  let state: Promise<{ jwks: ReturnType<typeof createRemoteJWKSet>; algorithms: string[] }> | undefined;

  const ready = () => {
    if (!state) {
      const attempt = discover(issuerUrl, fetchImpl, options.discoveryTimeoutMs).then((d) => ({
        algorithms: [...d.algorithms],
        jwks: createRemoteJWKSet(d.jwksUri, {
          timeoutDuration: options.jwksTimeoutMs ?? JWKS_TIMEOUT_MS,
          cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
          cacheMaxAge: options.jwksCacheMaxAgeMs ?? JWKS_CACHE_MAX_AGE_MS,
          [customFetch]: fetchImpl,
        }),
      }));
      // Like Fulcio, a failed discovery is not remembered: the next token retries it.
      attempt.catch(() => { if (state === attempt) state = undefined; });
      state = attempt;
    }
    return state;
  };

  const verify = async (token: string): Promise<JWTPayload> => {
    const { jwks, algorithms } = await ready();
    const now = clock();
    let payload: JWTPayload;
    try {
      // Keys come only from the issuer's discovered JWKS: jku/x5u/jwk/x5c headers are never consulted.
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: issuerUrl, audience: clientId, algorithms, currentDate: now,
        clockTolerance: NBF_LEEWAY_SECONDS, requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw fromJose(err);
    }
    // jose has one tolerance for nbf and exp; exp gets none (and a missing exp is expired, as in go-oidc).
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now.getTime()) {
      throw new OidcError('TOKEN_EXPIRED', `token expired at ${String(payload.exp)}`);
    }
    return payload;
  };

  return { issuerUrl, verify, prepare: async () => { await ready(); } };
}

const JOSE_CODES: Record<string, OidcErrorCode> = {
  ERR_JWT_EXPIRED: 'TOKEN_EXPIRED',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ALGORITHM_NOT_ALLOWED',
  ERR_JWKS_NO_MATCHING_KEY: 'UNKNOWN_KEY',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'INVALID_SIGNATURE',
  ERR_JWKS_TIMEOUT: 'JWKS_FAILED',
  ERR_JWKS_INVALID: 'JWKS_FAILED',
  ERR_JOSE_GENERIC: 'JWKS_FAILED', // jose: "Expected 200 OK from the JSON Web Key Set HTTP response"
  ERR_JWS_INVALID: 'MALFORMED_TOKEN',
  ERR_JWT_INVALID: 'MALFORMED_TOKEN',
};

const CLAIM_CODES: Record<string, OidcErrorCode> = { nbf: 'TOKEN_NOT_YET_VALID', aud: 'WRONG_AUDIENCE', exp: 'TOKEN_EXPIRED' };

function fromJose(err: unknown): OidcError {
  const { code, claim, message } = (err ?? {}) as { code?: string; claim?: string; message?: string };
  const mapped = code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? CLAIM_CODES[claim ?? ''] ?? 'INVALID_CLAIMS'
    : (code ? JOSE_CODES[code] : undefined) ?? (err instanceof TypeError ? 'JWKS_FAILED' : 'INVALID_SIGNATURE');
  return new OidcError(mapped, `${code ?? 'error'}: ${message ?? String(err)}`, { cause: err });
}
