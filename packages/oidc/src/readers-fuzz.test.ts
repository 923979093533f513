import { type OidcIssuer, mutatedText, startOidcIssuer } from '@sigbox/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateUri } from './certificate-uri.js';
import { parseIssuerConfig } from './config.js';
import { SUPPORTED_ALGORITHMS } from './discovery.js';
import { OidcError } from './error.js';
import { GoUrlError, goUrlString, parseGoUrl } from './go-url.js';
import { type IssuerRegistry, createIssuerRegistry } from './registry.js';
import { type JwsKey, parseCompactJws, toJwsKey, verifyJwsSignature } from './jws-verify.js';
import { unverifiedIssuer, verifyToken } from './verify-token.js';

// Property tests of what reads identity tokens and the URLs in their claims: random and mutated real tokens get a
// value or the package's own error (OidcError; GoUrlError from the URL reader), never another exception (which the
// HTTP edge would answer 500), and never a stall. The bound is generous (a call takes microseconds to milliseconds,
// a signature check on the thread pool a little more); it only tells a stall from a slow machine.
const CALL_BOUND_MS = 1_000;
const RUNS = 300;
const ALGORITHMS: ReadonlySet<string> = new Set(SUPPORTED_ALGORITHMS);

async function readsOrRefuses<T>(read: () => T | Promise<T>, typed: (err: unknown) => boolean = (err) => err instanceof OidcError): Promise<T | undefined> {
  const started = performance.now();
  try {
    return await read();
  } catch (err) {
    expect(typed(err), String(err)).toBe(true);
    return undefined;
  } finally {
    expect(performance.now() - started).toBeLessThan(CALL_BOUND_MS);
  }
}

let idp: OidcIssuer;
let registry: IssuerRegistry;
let key: JwsKey;
const seeds: string[] = [];
beforeAll(async () => {
  idp = await startOidcIssuer({ algorithms: ['ES256', 'RS256', 'EdDSA'] });
  registry = createIssuerRegistry(parseIssuerConfig({}));
  registry.addIssuer({ url: idp.url, type: 'email' });
  key = toJwsKey(idp.currentKey.publicKey);
  for (const signer of idp.keys) seeds.push(idp.issueToken({ groups: ['a', 'b'], nested: { x: 1 } }, { key: signer }));
  await verifyToken(registry, seeds[0]!); // discovery and JWKS now, so that each case below is the reading alone
});
afterAll(() => idp?.close());

const tokenLike = fc.string({ unit: fc.constantFrom('.', 'e', 'y', 'J', 'h', 'b', 'G', 'c', 'i', 'O', '_', '-', '=', '+', '/', '%', ' ', '\u00e9', '\0'), maxLength: 300 });
const mutatedToken = fc.integer({ min: 0, max: 2 }).chain((i) => mutatedText(seeds[i]!, 6));

describe('JWT readers: a value or an OidcError, whatever the token', () => {
  it('split and header checks, and the unverified issuer, of random and mutated tokens', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), tokenLike, mutatedToken), async (token) => {
      await readsOrRefuses(() => unverifiedIssuer(token));
      const jws = await readsOrRefuses(() => parseCompactJws(token, ALGORITHMS));
      if (jws) await readsOrRefuses(() => verifyJwsSignature(jws, key));
    }), { numRuns: RUNS });
  });

  it('the whole verification, signature, claims and identity, of mutated tokens', async () => {
    await fc.assert(fc.asyncProperty(mutatedToken, async (token) => {
      await readsOrRefuses(() => verifyToken(registry, token));
    }), { numRuns: RUNS });
  });
});

describe('claims readers: a principal or an OidcError, whatever a validly signed token claims', () => {
  // One registry per identity type, all trusting the same issuer: the claims below reach every type's rules.
  const TYPES = ['email', 'uri', 'username', 'kubernetes', 'spiffe', 'github-workflow', 'gitlab-pipeline', 'buildkite-job', 'codefresh-workflow', 'chainguard-identity'] as const;
  const registries = () => TYPES.map((type) => {
    const r = createIssuerRegistry(parseIssuerConfig({}));
    r.addIssuer({ url: idp.url, type, subjectDomain: type === 'username' ? '127.0.0.1' : 'http://127.0.0.1', spiffeTrustDomain: 'example.com' });
    return r;
  });
  const claimValue = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('http://127.0.0.1/a', 'http://evil\\@127.0.0.1/', 'spiffe://example.com/x', 'a@example.com', 'branch', 'true'), fc.jsonValue({ maxDepth: 2 }));
  const CLAIMS = ['sub', 'email', 'email_verified', 'kubernetes.io', 'job_workflow_ref', 'repository', 'ref_type', 'ci_config_ref_uri', 'runner_id', 'platform_url', 'organization_slug', 'pipeline_slug', 'account_id', 'pipeline_id', 'workflow_id'];
  const claims = fc.dictionary(fc.constantFrom(...CLAIMS), claimValue, { maxKeys: 10 });

  it('every identity type, random claim values', async () => {
    const all = registries();
    for (const r of all) await verifyToken(r, idp.issueToken({ sub: 'http://127.0.0.1/warm-up' })).catch(() => undefined);
    await fc.assert(fc.asyncProperty(claims, async (values) => {
      const token = idp.issueToken(values);
      for (const r of all) await readsOrRefuses(() => verifyToken(r, token));
    }), { numRuns: RUNS });
  });
});

describe('URL readers of claims: a value or a GoUrlError', () => {
  const urlish = fc.string({ unit: fc.constantFrom('https', 'http', ':', '//', '/', '@', '\\', '[', ']', '%', '%2', '%25', '%41', '?', '#', '.', 'a', '1', ' ', '\u00e9', '\u0001'), maxLength: 40 });
  it('url.Parse, String() and the certificate URI check', async () => {
    const isGoUrlError = (err: unknown) => err instanceof GoUrlError;
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), urlish, mutatedText('https://user@example.com:8443/a/b?c=d#e')), async (raw) => {
      const url = await readsOrRefuses(() => parseGoUrl(raw), isGoUrlError);
      if (url) expect(goUrlString(parseGoUrl(goUrlString(url)))).toBe(goUrlString(url)); // what Go writes, it reads back the same
      await readsOrRefuses(() => certificateUri(raw), isGoUrlError);
    }), { numRuns: RUNS * 3 });
  });
});
