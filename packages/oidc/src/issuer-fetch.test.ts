import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIssuerKey, signJwt, startOidcIssuer } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER_RESPONSE_MAX_BYTES, type IssuerFetchOptions, fetchIssuerJson } from './issuer-fetch.js';
import { JWKS_CACHE_MAX_AGE_MS } from './jwks-cache.js';
import { createIssuerVerifier } from './verifier.js';

// A misbehaving IdP on 127.0.0.1: each path answers in its own way.
type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes = new Map<string, Route>();
let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));

const json = (body: string, headers: Record<string, string> = {}): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(body);
};
/** `{"p":"xxx…"}` of exactly `bytes` bytes. */
const document = (bytes: number) => JSON.stringify({ p: 'x'.repeat(bytes - 8) });
const options = (extra: Partial<IssuerFetchOptions> = {}): IssuerFetchOptions => ({ fetch, timeoutMs: 5_000, failure: 'JWKS_FAILED', ...extra });
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (err: { code?: string; detail?: string }) => ({ code: err.code, detail: err.detail }));

describe('fetchIssuerJson: every issuer response is capped and timed out', () => {
  it('reads a body of exactly the cap, and refuses one byte more, announced or chunked', async () => {
    routes.set('/exact', json(document(100)));
    routes.set('/over', json(document(101)));
    routes.set('/over-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(document(101).slice(0, 60));
      res.end(document(101).slice(60));
    });
    routes.set('/announced', (_req, res) => {
      // Refused on the announced length, before any of the body is waited for.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000000000' });
      res.write('{');
    });
    expect(await fetchIssuerJson(new URL(`${origin}/exact`), options({ maxBytes: 100 }))).toEqual({ p: 'x'.repeat(92) });
    for (const path of ['/over', '/over-chunked', '/announced']) {
      expect(await refusal(fetchIssuerJson(new URL(`${origin}${path}`), options({ maxBytes: 100 }))), path).toEqual({ code: 'JWKS_FAILED', detail: expect.stringMatching(/100-byte limit/) });
    }
  });

  it('caps at 1 MiB by default', async () => {
    routes.set('/default-over', json(document(ISSUER_RESPONSE_MAX_BYTES + 1)));
    routes.set('/default-exact', json(document(ISSUER_RESPONSE_MAX_BYTES)));
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/default-over`), options()))).toMatchObject({ code: 'JWKS_FAILED' });
    expect(await fetchIssuerJson(new URL(`${origin}/default-exact`), options())).toHaveProperty('p');
  });

  // Bounded, not timed: the assertions hold whatever the machine's speed; a fetch that never gave up would time
  // the test out instead.
  it('gives up on a body that never ends, and on a fetch that ignores its abort signal', async () => {
    routes.set('/stalls', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    });
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/stalls`), options({ timeoutMs: 200 })))).toMatchObject({ code: 'JWKS_FAILED' });
    const deaf = () => new Promise<Response>(() => undefined);
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/stalls`), options({ timeoutMs: 200, fetch: deaf })))).toMatchObject({ code: 'JWKS_FAILED' });
  });

  it('follows redirects on the same host only, answers 200 only, and wants JSON', async () => {
    routes.set('/moved', (_req, res) => res.writeHead(302, { location: '/exact' }).end());
    routes.set('/away', (_req, res) => res.writeHead(302, { location: 'http://localhost:1/exact' }).end());
    routes.set('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
    routes.set('/gone', (_req, res) => res.writeHead(500).end('{}'));
    routes.set('/text', (_req, res) => res.writeHead(200).end('not json'));
    expect(await fetchIssuerJson(new URL(`${origin}/moved`), options())).toEqual({ p: 'x'.repeat(92) });
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/away`), options({ failure: 'DISCOVERY_FAILED' })))).toEqual({ code: 'DISCOVERY_FAILED', detail: expect.stringContaining('redirect to different host "localhost:1" blocked') });
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/loop`), options()))).toMatchObject({ detail: expect.stringContaining('stopped after 10 redirects') });
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/gone`), options()))).toMatchObject({ detail: expect.stringContaining('500 from') });
    expect(await refusal(fetchIssuerJson(new URL(`${origin}/text`), options()))).toMatchObject({ detail: expect.stringContaining('is not JSON') });
  });
});

describe('discovery and JWKS responses over the cap', () => {
  it('refuses a discovery document over 1 MiB', async () => {
    const idp = await startOidcIssuer();
    try {
      idp.setDiscoveryOverrides({ padding: 'x'.repeat(ISSUER_RESPONSE_MAX_BYTES) });
      const verifier = createIssuerVerifier(idp.url, 'sigstore');
      expect(await refusal(verifier.verify(idp.issueToken()))).toMatchObject({ code: 'DISCOVERY_FAILED', detail: expect.stringMatching(/limit/) });
      idp.setDiscoveryOverrides({});
      await verifier.verify(idp.issueToken()); // not remembered: the next token discovers again
    } finally {
      await idp.close();
    }
  });

  it('refuses a JWKS over 1 MiB, and keeps the last good keys when a refresh brings one', async () => {
    const key = createIssuerKey('ES256');
    let jwks = JSON.stringify({ keys: [key.jwk] });
    routes.set('/idp/.well-known/openid-configuration', (req, res) => json(JSON.stringify({ issuer: `${origin}/idp`, jwks_uri: `${origin}/idp/jwks`, id_token_signing_alg_values_supported: ['ES256'] }))(req, res));
    routes.set('/idp/jwks', (req, res) => json(jwks)(req, res));
    const oversized = JSON.stringify({ keys: [key.jwk], padding: 'x'.repeat(ISSUER_RESPONSE_MAX_BYTES) });
    const start = new Date('2026-08-01T12:00:00Z').getTime();
    let now = start;
    const token = () => signJwt({ alg: 'ES256', kid: key.kid }, { iss: `${origin}/idp`, sub: 'x', aud: 'sigstore', exp: Math.floor(now / 1000) + 600 }, key, 'ES256');
    const fresh = createIssuerVerifier(`${origin}/idp`, 'sigstore', { clock: () => new Date(now) });
    jwks = oversized;
    expect(await refusal(fresh.verify(token()))).toMatchObject({ code: 'JWKS_FAILED', detail: expect.stringMatching(/limit/) });

    jwks = JSON.stringify({ keys: [key.jwk] });
    const failures: string[] = [];
    const verifier = createIssuerVerifier(`${origin}/idp`, 'sigstore', { clock: () => new Date(now), onJwksRefreshFailed: (_url, f) => failures.push(f.error.detail) });
    await verifier.verify(token());
    jwks = oversized;
    now += JWKS_CACHE_MAX_AGE_MS;
    await verifier.verify(token()); // starts the refresh that brings the oversized JWKS
    await expect.poll(() => failures).toEqual([expect.stringMatching(/limit/)]);
    await verifier.verify(token());
  });
});
