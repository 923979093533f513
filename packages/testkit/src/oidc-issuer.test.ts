import crypto from 'node:crypto';
import http from 'node:http';
import { calculateJwkThumbprint, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createIssuerKey, startOidcIssuer, type OidcIssuer } from './oidc-issuer.js';

const started: OidcIssuer[] = [];
async function issuer(...args: Parameters<typeof startOidcIssuer>) {
  const idp = await startOidcIssuer(...args);
  started.push(idp);
  return idp;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((idp) => idp.close()));
});

/** Verifies as the CA will: remote JWKS, exact issuer, audience sigstore, explicit algorithms. */
async function verify(idp: OidcIssuer, token: string, jwks = createRemoteJWKSet(new URL(idp.jwksUri))) {
  return jwtVerify(token, jwks, { issuer: idp.url, audience: 'sigstore', algorithms: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] });
}
const code = (promise: Promise<unknown>) => promise.then(() => 'verified', (err: { code?: string }) => err.code);

describe('startOidcIssuer', () => {
  it('serves a discovery document whose issuer is its exact URL', async () => {
    const idp = await issuer({ algorithms: ['ES256', 'RS256'] });
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${idp.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: idp.url, jwks_uri: idp.jwksUri, id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      response_types_supported: ['id_token'], subject_types_supported: ['public'] });
    const jwks = (await (await fetch(idp.jwksUri)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys.map((k) => [k.kty, k.alg, k.use])).toEqual([['EC', 'ES256', 'sig'], ['RSA', 'RS256', 'sig']]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true); // public halves only
    expect((await fetch(`${idp.url}/nope`)).status).toBe(404);
  });

  it('serves under a path for issuers like https://idp/realms/eng', async () => {
    const idp = await issuer({ path: '/realms/eng/' });
    expect(idp.url).toMatch(/\/realms\/eng$/);
    const doc = (await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(doc.issuer).toBe(idp.url);
    expect((await verify(idp, idp.issueToken())).payload.iss).toBe(idp.url);
  });

  it('uses RFC 7638 thumbprints as key IDs', async () => {
    const key = createIssuerKey('RS256');
    expect(key.kid).toBe(await calculateJwkThumbprint(key.jwk));
  });

  it('lets discovery be overridden, e.g. with a wrong issuer', async () => {
    const idp = await issuer();
    idp.setDiscoveryOverrides({ issuer: `${idp.url}/`, jwks_uri: undefined });
    const doc = (await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(`${idp.url}/`);
    expect('jwks_uri' in doc).toBe(false);
  });
});

describe('issueToken', () => {
  it('mints tokens jose verifies against the live JWKS, with Sigstore defaults', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const idp = await issuer({ clock: () => now });
    const token = idp.issueToken();
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.url, audience: 'sigstore', algorithms: ['ES256'], currentDate: now,
    });
    const t = now.getTime() / 1000;
    expect(payload).toEqual({ iss: idp.url, sub: 'dev@example.com', aud: 'sigstore', iat: t, nbf: t, exp: t + 600,
      email: 'dev@example.com', email_verified: true });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: idp.currentKey.kid, typ: 'JWT' });
  });

  it.each(['ES384', 'RS256', 'PS256', 'EdDSA'] as const)('signs with %s keys', async (alg) => {
    const idp = await issuer({ algorithms: [alg] });
    expect((await verify(idp, idp.issueToken())).protectedHeader.alg).toBe(alg);
  });

  it('fails verification once tampered with', async () => {
    const idp = await issuer();
    const [header, , sig] = idp.issueToken().split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(idp.issueToken()), sub: 'admin@example.com' })).toString('base64url');
    expect(await code(verify(idp, `${header}.${forged}.${sig}`))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('signs with a key outside the JWKS: unknown kid, or a known kid with the wrong key', async () => {
    const idp = await issuer();
    const foreign = createIssuerKey();
    expect(await code(verify(idp, idp.issueToken({}, { key: foreign })))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    const spoofed = idp.issueToken({}, { key: foreign, header: { kid: idp.currentKey.kid } });
    expect(await code(verify(idp, spoofed))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('overrides and omits claims for expired, early, wrong-audience and unverified-email tokens', async () => {
    const idp = await issuer();
    const now = Math.floor(Date.now() / 1000);
    expect(await code(verify(idp, idp.issueToken({ exp: now - 1 })))).toBe('ERR_JWT_EXPIRED');
    expect(await code(verify(idp, idp.issueToken({ nbf: now + 3600 })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await code(verify(idp, idp.issueToken({ aud: ['other'] })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await code(verify(idp, idp.issueToken({ iss: 'https://evil.example' })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const bare = decodeJwt(idp.issueToken({ exp: undefined, email: undefined, email_verified: false }));
    expect(bare).not.toHaveProperty('exp');
    expect(bare).not.toHaveProperty('email');
    expect(bare.email_verified).toBe(false);
  });

  it('makes alg none and HS256 keyed with the RSA public key, which verifiers must refuse', async () => {
    const idp = await issuer({ algorithms: ['RS256'] });
    const none = idp.issueToken({}, { algorithm: 'none' });
    expect(none.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(none).alg).toBe('none');
    expect(await code(verify(idp, none))).not.toBe('verified');

    const confused = idp.issueToken({}, { algorithm: 'HS256' });
    const [h, p, s] = confused.split('.');
    const pem = idp.currentKey.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    expect(crypto.createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')).toBe(s);
    expect(await code(verify(idp, confused))).not.toBe('verified');
  });

  it('sets or removes any header: jku, x5u, kid, typ', async () => {
    const idp = await issuer();
    const token = idp.issueToken({}, { header: { jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert', kid: undefined, typ: 'at+jwt' } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', jku: 'https://evil.example/jwks', x5u: 'https://evil.example/cert', typ: 'at+jwt' });
  });
});

describe('key rotation and JWKS requests', () => {
  it('keeps old keys published until retired', async () => {
    const idp = await issuer();
    const before = idp.issueToken();
    const oldKid = idp.currentKey.kid;
    const next = idp.rotateKey('RS256');
    expect(idp.keys.map((k) => k.kid)).toEqual([oldKid, next.kid]);
    expect((await verify(idp, idp.issueToken())).protectedHeader.kid).toBe(next.kid);
    expect(await code(verify(idp, before))).toBe('verified');
    idp.retireKey(oldKid);
    expect(await code(verify(idp, before))).toBe('ERR_JWKS_NO_MATCHING_KEY');
  });

  it('counts JWKS fetches so caching can be measured', async () => {
    const idp = await issuer();
    const jwks = createRemoteJWKSet(new URL(idp.jwksUri));
    await verify(idp, idp.issueToken(), jwks);
    await verify(idp, idp.issueToken({ sub: 'other' }), jwks);
    expect(idp.requestCounts).toEqual({ discovery: 0, jwks: 1 });
  });
});

describe('close', () => {
  it('frees the port, even with keep-alive connections open', async () => {
    const idp = await startOidcIssuer();
    const port = Number(new URL(idp.url).port);
    await (await fetch(idp.jwksUri)).text(); // leaves a keep-alive socket in fetch's pool
    await idp.close();
    await expect(fetch(idp.jwksUri)).rejects.toThrow();
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
