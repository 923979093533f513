import { type OidcIssuer, createIssuerKey, startOidcIssuer } from '@sigbox/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from './issuer-fetch.js';
import { JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS, JWKS_MAX_BACKOFF_MS, type JwksRefreshFailure } from './jwks-cache.js';
import { type VerifierOptions, createIssuerVerifier } from './verifier.js';

// The key-set cache against a real issuer on 127.0.0.1, with a clock the test moves. The IdP's outages are real
// (the issuer stopped: connection refused) or, where a test needs the IdP to hang or come back, a fetch in front of
// the real one: the IdP is the one thing outside the stack.

const START = new Date('2026-08-01T12:00:00Z').getTime();
const started: OidcIssuer[] = [];
afterEach(async () => { await Promise.all(started.splice(0).map((idp) => idp.close().catch(() => undefined))); });

/** An issuer, a verifier for it and the clock both read. */
async function setup(options: VerifierOptions = {}) {
  let now = START;
  const idp = await startOidcIssuer({ clock: () => new Date(now) });
  started.push(idp);
  const failures: JwksRefreshFailure[] = [];
  const verifier = createIssuerVerifier(idp.url, 'sigstore', {
    clock: () => new Date(now),
    onJwksRefreshFailed: (issuerUrl, failure) => { expect(issuerUrl).toBe(idp.url); failures.push(failure); },
    ...options,
  });
  return { idp, verifier, failures, advance: (ms: number) => { now += ms; }, now: () => now };
}

/** A fetch in front of the real one that can make JWKS requests fail or hang, and counts them. */
function frontOfIdp() {
  let mode: 'up' | 'down' | 'hang' = 'up';
  let released: () => void = () => undefined;
  let gate = Promise.resolve();
  const counts = { jwks: 0 };
  const fetchImpl: FetchLike = async (url, init) => {
    if (new URL(url).pathname.endsWith('/jwks')) {
      counts.jwks += 1;
      if (mode === 'down') throw new TypeError('fetch failed: connect ECONNREFUSED');
      if (mode === 'hang') await gate;
    }
    return fetch(url, init);
  };
  return {
    fetch: fetchImpl,
    counts,
    set(next: 'up' | 'down' | 'hang') {
      mode = next;
      if (next === 'hang') gate = new Promise((resolve) => { released = resolve; });
      else released();
    },
  };
}

const code = (promise: Promise<unknown>) => promise.then(() => 'verified', (err: { code?: string }) => err.code);

describe('JWKS refresh (go-oidc RemoteKeySet, with a background refresh and backoff)', () => {
  // The regression: jose's remote JWKS refetched in the token's path once its 10-minute cache aged (by the system
  // clock), and a failed refetch failed the token although its key was cached. Here the system clock moves (Date
  // only: timers and sockets stay real) and the verifier runs on its default clock, as in production.
  it('keeps verifying with the cached keys after their max age while the IdP is down', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: START });
    try {
      const idp = await startOidcIssuer();
      started.push(idp);
      const failures: JwksRefreshFailure[] = [];
      const verifier = createIssuerVerifier(idp.url, 'sigstore', { onJwksRefreshFailed: (_url, failure) => failures.push(failure) });
      expect(await code(verifier.verify(idp.issueToken()))).toBe('verified');
      expect(idp.requestCounts).toEqual({ discovery: 1, jwks: 1 });
      await idp.close(); // a real outage: connection refused from now on
      vi.setSystemTime(START + JWKS_CACHE_MAX_AGE_MS + 1);
      expect(await code(verifier.verify(idp.issueToken({ sub: 'later' })))).toBe('verified');
      await expect.poll(() => failures.length).toBe(1); // the background refresh failed and was reported
      expect(failures[0]).toMatchObject({ failures: 1, error: { code: 'JWKS_FAILED' }, keysFetchedAt: new Date(START) });
      for (let i = 0; i < 5; i++) expect(await code(verifier.verify(idp.issueToken({ sub: `t${i}` })))).toBe('verified');
      expect(failures).toHaveLength(1); // no further fetch within the backoff
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not make a token wait on a hanging IdP when a cached key matches, and takes the new keys once they come', async () => {
    const front = frontOfIdp();
    const { idp, verifier, advance } = await setup({ fetch: front.fetch });
    await verifier.verify(idp.issueToken());
    advance(JWKS_CACHE_MAX_AGE_MS);
    front.set('hang');
    const rotated = idp.rotateKey();
    // Resolves although the background refresh it started hangs (the test fails by timeout otherwise).
    expect(await code(verifier.verify(idp.issueToken({}, { key: idp.keys[0]! })))).toBe('verified');
    expect(front.counts.jwks).toBe(2);
    front.set('up');
    // Once the refresh lands, the rotated key verifies without a fetch of its own.
    await expect.poll(() => code(verifier.verify(idp.issueToken({}, { key: rotated })))).toBe('verified');
    expect(front.counts.jwks).toBe(2);
  });

  it('backs off after failed refreshes: 30 s, 1, 2, 4, then every 5 minutes, each failure reported', async () => {
    const front = frontOfIdp();
    const { idp, verifier, failures, advance, now } = await setup({ fetch: front.fetch });
    await verifier.verify(idp.issueToken());
    front.set('down');
    advance(JWKS_CACHE_MAX_AGE_MS);
    const fetchTimes: number[] = [];
    // Ten minutes more in 5-second steps, one token each: fetches happen only when the backoff allows.
    for (let elapsed = 0; elapsed <= 20 * 60_000; elapsed += 5_000) {
      const before = front.counts.jwks;
      expect(await code(verifier.verify(idp.issueToken({ sub: `t${elapsed}` })))).toBe('verified');
      await expect.poll(() => failures.length).toBe(front.counts.jwks - 1);
      if (front.counts.jwks > before) fetchTimes.push(now());
      advance(5_000);
    }
    const gaps = fetchTimes.slice(1).map((t, i) => t - fetchTimes[i]!);
    expect(gaps.slice(0, 5)).toEqual([JWKS_COOLDOWN_MS, 2 * JWKS_COOLDOWN_MS, 4 * JWKS_COOLDOWN_MS, 8 * JWKS_COOLDOWN_MS, JWKS_MAX_BACKOFF_MS]);
    expect(new Set(gaps.slice(4))).toEqual(new Set([JWKS_MAX_BACKOFF_MS]));
    expect(failures.map((f) => f.failures)).toEqual(fetchTimes.map((_, i) => i + 1));
    expect(failures.at(-1)?.retryAt).toEqual(new Date(fetchTimes.at(-1)! + JWKS_MAX_BACKOFF_MS));
    // The IdP comes back with a new key: the next due refresh brings it, and the count starts over.
    const rotated = idp.rotateKey();
    front.set('up');
    advance(JWKS_MAX_BACKOFF_MS);
    const recovered = front.counts.jwks;
    await verifier.verify(idp.issueToken({}, { key: idp.keys[0]! }));
    expect(await code(verifier.verify(idp.issueToken({}, { key: rotated })))).toBe('verified'); // joins that refresh
    expect(front.counts.jwks).toBe(recovered + 1);
    advance(JWKS_COOLDOWN_MS);
    expect(await code(verifier.verify(idp.issueToken({}, { key: createIssuerKey() })))).toBe('UNKNOWN_KEY');
    expect(front.counts.jwks).toBe(recovered + 2); // a cooldown after a success, not a backoff
  });

  it('shares one fetch among concurrent tokens with an unknown kid, and refetches at most once per cooldown', async () => {
    const { idp, verifier, advance } = await setup();
    await verifier.verify(idp.issueToken());
    advance(JWKS_COOLDOWN_MS);
    const rotated = idp.rotateKey();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => code(verifier.verify(idp.issueToken({ sub: `c${i}` }, { key: rotated })))));
    expect(results).toEqual(Array(10).fill('verified'));
    expect(idp.requestCounts.jwks).toBe(2);
    const stranger = createIssuerKey();
    const strangers = await Promise.all(Array.from({ length: 10 }, () => code(verifier.verify(idp.issueToken({}, { key: stranger })))));
    expect(strangers).toEqual(Array(10).fill('UNKNOWN_KEY'));
    expect(idp.requestCounts.jwks).toBe(2); // the last fetch was just now: within the cooldown
  });

  it('with no keys yet, fails tokens fast during the backoff and fetches again once it has passed', async () => {
    const front = frontOfIdp();
    front.set('down');
    const { idp, verifier, failures, advance } = await setup({ fetch: front.fetch });
    expect(await code(verifier.verify(idp.issueToken()))).toBe('JWKS_FAILED');
    expect(await code(verifier.verify(idp.issueToken()))).toBe('JWKS_FAILED');
    expect(front.counts.jwks).toBe(1);
    expect(failures.map((f) => f.keysFetchedAt)).toEqual([undefined]);
    front.set('up');
    advance(JWKS_COOLDOWN_MS);
    expect(await code(verifier.verify(idp.issueToken()))).toBe('verified');
    expect(front.counts.jwks).toBe(2);
  });

  it('answers an unknown kid whose refetch fails as JWKS_FAILED, and keeps the cached keys', async () => {
    const front = frontOfIdp();
    const { idp, verifier, advance } = await setup({ fetch: front.fetch });
    await verifier.verify(idp.issueToken());
    front.set('down');
    advance(JWKS_COOLDOWN_MS);
    expect(await code(verifier.verify(idp.issueToken({}, { key: createIssuerKey() })))).toBe('JWKS_FAILED');
    expect(await code(verifier.verify(idp.issueToken()))).toBe('verified');
  });
});
