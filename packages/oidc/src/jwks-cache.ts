import { KeyObject, type webcrypto } from 'node:crypto';
import { createLocalJWKSet } from 'jose';
import { OidcError, type OidcErrorCode } from './error.js';
import { type CompactJws, type JwsKey, toJwsKey } from './jws-verify.js';

/** Keys older than this are refreshed in the background while they keep verifying tokens (jose's `cacheMaxAge`). */
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
/**
 * At most one JWKS fetch per issuer in this interval, whatever asks for it: a token with an unknown `kid`, a
 * background refresh (jose's `cooldownDuration`). go-oidc refetches on every unknown `kid`, one fetch shared by the
 * callers waiting; bounding it stops tokens with made-up key IDs from making the CA hammer the IdP.
 */
export const JWKS_COOLDOWN_MS = 30_000;
/** After n failed fetches in a row the next waits min(cooldown × 2^(n−1), this): 30 s, 1, 2, 4, then 5 minutes. */
export const JWKS_MAX_BACKOFF_MS = 5 * 60_000;

/** A failed JWKS fetch, for the operator's log: the keys in use (if any) stay in use. */
export interface JwksRefreshFailure {
  readonly error: OidcError;
  /** Failed fetches in a row. */
  readonly failures: number;
  /** When the next fetch may run. */
  readonly retryAt: Date;
  /** When the keys still in use were fetched; undefined when there are none yet. */
  readonly keysFetchedAt: Date | undefined;
}

export interface JwksCacheOptions {
  /** One fetch of the JWK set document (capped, timed out); throws OidcError JWKS_FAILED. */
  fetchKeys: () => Promise<unknown>;
  now: () => number;
  maxAgeMs?: number;
  cooldownMs?: number;
  maxBackoffMs?: number;
  onRefreshFailed?: (failure: JwksRefreshFailure) => void;
}

type KeySelector = ReturnType<typeof createLocalJWKSet>;

interface KeySet {
  readonly select: KeySelector;
  readonly fetchedAt: number;
  /** Imported keys as node KeyObjects, once per (JWK, alg): jose returns the same key object for both. */
  readonly converted: WeakMap<object, JwsKey>;
}

/**
 * An issuer's signing keys, after coreos/go-oidc v3 `RemoteKeySet` (oidc/jwks.go): the keys of the last good fetch
 * verify tokens until a fetch brings new ones; one fetch at a time, shared by every caller waiting on it; a failed
 * fetch keeps the keys there are. Unlike go-oidc, and unlike jose's remote JWKS (which refetches in the token's
 * path once its cache expires, and fails the token if that fetch fails), stale keys are refreshed in the background
 * without making a token wait on the IdP, fetches are spaced by a cooldown and, after failures, an exponential
 * backoff. A token waits on the IdP only when there are no keys yet or its `kid` is unknown (and a fetch is due).
 * Keys are selected and imported by jose (`kid`, `kty`, `crv`, `alg`, `use`, `key_ops`).
 */
export function createJwksCache(options: JwksCacheOptions): { keyFor(jws: CompactJws): Promise<JwsKey> } {
  const maxAgeMs = options.maxAgeMs ?? JWKS_CACHE_MAX_AGE_MS;
  const cooldownMs = options.cooldownMs ?? JWKS_COOLDOWN_MS;
  const maxBackoffMs = options.maxBackoffMs ?? JWKS_MAX_BACKOFF_MS;
  let keys: KeySet | undefined;
  let inflight: Promise<void> | undefined;
  let nextFetchAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let lastError: OidcError | undefined;

  const fetchKeySet = async (): Promise<KeySet> => {
    const document = await options.fetchKeys();
    let select: KeySelector;
    try {
      select = createLocalJWKSet(document as Parameters<typeof createLocalJWKSet>[0]);
    } catch (cause) {
      throw new OidcError('JWKS_FAILED', 'the JWKS document is not a JSON Web Key Set', { cause });
    }
    return { select, fetchedAt: options.now(), converted: new WeakMap() };
  };

  /** Starts a fetch, or joins the one running; settles when it has, rejecting with its error. */
  const refresh = (): Promise<void> => {
    inflight ??= fetchKeySet().then(
      (fresh) => {
        keys = fresh;
        failures = 0;
        lastError = undefined;
        nextFetchAt = fresh.fetchedAt + cooldownMs;
      },
      (err: unknown) => {
        const error = err instanceof OidcError ? err : new OidcError('JWKS_FAILED', String(err), { cause: err });
        failures += 1;
        lastError = error;
        nextFetchAt = options.now() + Math.min(cooldownMs * 2 ** (failures - 1), maxBackoffMs);
        options.onRefreshFailed?.({ error, failures, retryAt: new Date(nextFetchAt), keysFetchedAt: keys ? new Date(keys.fetchedAt) : undefined });
        throw error;
      },
    ).finally(() => { inflight = undefined; });
    return inflight;
  };

  const fetchDue = () => options.now() >= nextFetchAt;

  /** Waits for keys when there are none: a running fetch, or a new one when due; else the last failure. */
  const firstKeys = async (): Promise<KeySet> => {
    if (!keys) {
      if (!inflight && !fetchDue()) {
        throw new OidcError('JWKS_FAILED', `no JWKS yet; next fetch at ${new Date(nextFetchAt).toISOString()}`, lastError ? { cause: lastError } : {});
      }
      await refresh();
    }
    return keys as KeySet;
  };

  return {
    async keyFor(jws) {
      const current = await firstKeys();
      if (options.now() - current.fetchedAt >= maxAgeMs && !inflight && fetchDue()) {
        refresh().catch(() => undefined); // reported through onRefreshFailed; the cached keys stay in use
      }
      const found = await select(current, jws);
      if (found) return found;
      // An unknown kid: the IdP may have rotated. Wait for a fetch running or due (at most one per cooldown).
      if (inflight || fetchDue()) {
        const failure = await refresh().then(() => undefined, (err: OidcError) => err);
        if (failure) throw new OidcError('JWKS_FAILED', `unknown key, and the JWKS could not be fetched: ${failure.detail}`, { cause: failure });
      }
      const latest = keys && keys !== current ? await select(keys, jws) : undefined;
      if (latest) return latest;
      throw new OidcError('UNKNOWN_KEY', 'no key in the issuer\'s JWKS matches the token header');
    },
  };
}

/** The key for `jws` in `set`, or undefined when none matches; other failures as jose reports them. */
async function select(set: KeySet, jws: CompactJws): Promise<JwsKey | undefined> {
  let imported: Awaited<ReturnType<KeySelector>>;
  try {
    imported = await set.select(jws.header, { payload: jws.encodedPayload, signature: jws.encodedSignature });
  } catch (err) {
    if ((err as { code?: string } | null)?.code === 'ERR_JWKS_NO_MATCHING_KEY') return undefined;
    throw fromJose(err);
  }
  let key = set.converted.get(imported);
  if (!key) {
    key = toJwsKey(imported instanceof KeyObject ? imported : KeyObject.from(imported as webcrypto.CryptoKey));
    set.converted.set(imported, key);
  }
  return key;
}

// What jose throws while selecting or importing a key; a JWKS with several matching keys falls through to
// INVALID_SIGNATURE (jose's JWKSMultipleMatchingKeys), as it did under jwtVerify.
const JOSE_CODES: Record<string, OidcErrorCode> = {
  ERR_JWKS_INVALID: 'JWKS_FAILED', // jose: "JSON Web Key Set members must be public keys"
};

function fromJose(err: unknown): OidcError {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  const mapped = (code ? JOSE_CODES[code] : undefined) ?? (err instanceof TypeError ? 'JWKS_FAILED' : 'INVALID_SIGNATURE');
  return new OidcError(mapped, `${code ?? 'error'}: ${message ?? String(err)}`, { cause: err });
}
