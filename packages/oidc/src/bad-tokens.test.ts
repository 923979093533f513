import { type OidcIssuer, createIssuerKey, signJwt, startOidcIssuer } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIssuerConfig } from './config.js';
import { INVALID_IDENTITY_TOKEN_MESSAGE, OidcError, type OidcErrorCode } from './error.js';
import { type IssuerRegistryOptions, createIssuerRegistry } from './registry.js';
import { JWKS_COOLDOWN_MS } from './verifier.js';
import { verifyToken } from './verify-token.js';

// Every refusal is the same 400 text, as fulcio answers any Authenticate failure with `invalidIdentityToken`
// (pkg/server/grpc_server.go at v1.8.8); the code and detail are for logs only.
const NOW = new Date('2026-08-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;

let idp: OidcIssuer;
beforeAll(async () => { idp = await startOidcIssuer({ algorithms: ['RS256'], clock: () => NOW }); });
afterAll(() => idp.close());

function registry(options: IssuerRegistryOptions = {}) {
  const r = createIssuerRegistry(parseIssuerConfig({}), { clock: () => NOW, ...options });
  r.addIssuer({ url: idp.url, type: 'email' });
  return r;
}

async function expectRefusal(token: string, code: OidcErrorCode, r = registry()): Promise<OidcError> {
  const error = await verifyToken(r, token).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(OidcError);
  const oidcError = error as OidcError;
  expect(oidcError.message).toBe(INVALID_IDENTITY_TOKEN_MESSAGE);
  expect(oidcError.code, oidcError.detail).toBe(code);
  const signature = token.split('.')[2] ?? '';
  if (signature.length > 16) expect(oidcError.detail).not.toContain(signature); // never log the token
  return oidcError;
}

describe('token time checks', () => {
  it('accepts a fresh token', async () => {
    expect((await verifyToken(registry(), idp.issueToken())).challenge).toBe('dev@example.com');
  });

  it('refuses an expired token with no leeway, and a token without exp', async () => {
    await expectRefusal(idp.issueToken({ exp: NOW_S - 1 }), 'TOKEN_EXPIRED');
    await expectRefusal(idp.issueToken({ exp: NOW_S }), 'TOKEN_EXPIRED');
    await expectRefusal(idp.issueToken({ exp: undefined }), 'TOKEN_EXPIRED'); // missing = expired (go-oidc)
  });

  it('accepts nbf up to 5 minutes ahead and refuses beyond', async () => {
    expect((await verifyToken(registry(), idp.issueToken({ nbf: NOW_S + 300 }))).subject).toBe('dev@example.com');
    await expectRefusal(idp.issueToken({ nbf: NOW_S + 301 }), 'TOKEN_NOT_YET_VALID');
  });

  it('does not require iat', async () => {
    expect((await verifyToken(registry(), idp.issueToken({ iat: undefined }))).subject).toBe('dev@example.com');
  });
});

describe('audience and issuer', () => {
  it('requires the client id in aud (string or array)', async () => {
    await expectRefusal(idp.issueToken({ aud: 'other' }), 'WRONG_AUDIENCE');
    await expectRefusal(idp.issueToken({ aud: undefined }), 'WRONG_AUDIENCE');
    expect((await verifyToken(registry(), idp.issueToken({ aud: ['other', 'sigstore'] }))).subject).toBe('dev@example.com');
  });

  it('refuses an unknown issuer without any request', async () => {
    const before = idp.requestCounts;
    await expectRefusal(idp.issueToken({ iss: 'https://unknown.example' }), 'UNKNOWN_ISSUER');
    await expectRefusal(idp.issueToken({ iss: `${idp.url}/` }), 'UNKNOWN_ISSUER');
    expect(idp.requestCounts).toEqual(before);
  });

  it('refuses malformed tokens', async () => {
    await expectRefusal('a.b', 'MALFORMED_TOKEN');
    await expectRefusal('a.b.c.d', 'MALFORMED_TOKEN');
    await expectRefusal(`x.${Buffer.from('not json').toString('base64url')}.y`, 'MALFORMED_TOKEN');
    await expectRefusal(`x.${Buffer.from('{"iss":1}').toString('base64url')}.y`, 'MALFORMED_TOKEN');
  });

  it('refuses when the discovery document names another issuer, and recovers once it is right', async () => {
    const r = registry();
    idp.setDiscoveryOverrides({ issuer: 'https://impostor.example' });
    try {
      expect((await expectRefusal(idp.issueToken(), 'DISCOVERY_FAILED', r)).detail).toContain('issuer did not match');
    } finally {
      idp.setDiscoveryOverrides({});
    }
    expect((await verifyToken(r, idp.issueToken())).subject).toBe('dev@example.com');
  });
});

describe('signatures and keys', () => {
  it('refuses alg none and HS256 keyed with the RSA public key', async () => {
    await expectRefusal(idp.issueToken({}, { algorithm: 'none' }), 'ALGORITHM_NOT_ALLOWED');
    await expectRefusal(idp.issueToken({}, { algorithm: 'HS256' }), 'ALGORITHM_NOT_ALLOWED');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = idp.issueToken().split('.');
    const forged = Buffer.from(JSON.stringify({ iss: idp.url, sub: 'x', aud: 'sigstore', exp: NOW_S + 60, email: 'ceo@example.com', email_verified: true })).toString('base64url');
    await expectRefusal(`${header}.${forged}.${signature}`, 'INVALID_SIGNATURE');
  });

  it('only allows algorithms the issuer advertises', async () => {
    idp.setDiscoveryOverrides({ id_token_signing_alg_values_supported: ['ES256'] });
    try {
      await expectRefusal(idp.issueToken(), 'ALGORITHM_NOT_ALLOWED');
    } finally {
      idp.setDiscoveryOverrides({});
    }
  });

  it('never fetches or trusts keys named by jku, x5u or jwk headers', async () => {
    const attacker = await startOidcIssuer({ algorithms: ['RS256'] });
    try {
      const key = attacker.currentKey;
      const payload = { iss: idp.url, sub: 'x', aud: 'sigstore', exp: NOW_S + 60, email: 'ceo@example.com', email_verified: true };
      const header = { alg: 'RS256', kid: key.kid, jku: attacker.jwksUri, x5u: `${attacker.url}/cert.pem`, jwk: key.jwk };
      await expectRefusal(signJwt(header, payload, key, 'RS256'), 'UNKNOWN_KEY');
      const withoutKid = { alg: 'RS256', jku: attacker.jwksUri, jwk: key.jwk };
      await expectRefusal(signJwt(withoutKid, payload, key, 'RS256'), 'INVALID_SIGNATURE');
      expect(attacker.requestCounts).toEqual({ discovery: 0, jwks: 0 });
    } finally {
      await attacker.close();
    }
  });

  it('refetches the JWKS for an unknown kid at most once per cooldown', async () => {
    let now = NOW;
    const local = await startOidcIssuer({ algorithms: ['ES256'], clock: () => now });
    try {
      const r = createIssuerRegistry(parseIssuerConfig({}), { clock: () => now });
      r.addIssuer({ url: local.url, type: 'email' });
      await verifyToken(r, local.issueToken());
      expect(local.requestCounts).toEqual({ discovery: 1, jwks: 1 });
      const stranger = createIssuerKey('ES256');
      for (let i = 0; i < 5; i++) await expectRefusal(local.issueToken({}, { key: stranger }), 'UNKNOWN_KEY', r);
      expect(local.requestCounts.jwks).toBe(1); // within the cooldown: no refetch at all

      now = new Date(NOW.getTime() + JWKS_COOLDOWN_MS);
      local.rotateKey(); // the issuer publishes a new key; after the cooldown one refetch finds it
      await verifyToken(r, local.issueToken());
      expect(local.requestCounts.jwks).toBe(2);
      for (let i = 0; i < 5; i++) await expectRefusal(local.issueToken({}, { key: stranger }), 'UNKNOWN_KEY', r);
      expect(local.requestCounts).toEqual({ discovery: 1, jwks: 2 });
    } finally {
      await local.close();
    }
  });

  it('keeps one discovery and one JWKS per issuer across many verifications', async () => {
    const local = await startOidcIssuer({ clock: () => NOW });
    try {
      const r = createIssuerRegistry(parseIssuerConfig({}), { clock: () => NOW });
      r.addIssuer({ url: local.url, type: 'email' });
      await Promise.all(Array.from({ length: 10 }, () => verifyToken(r, local.issueToken())));
      expect(local.requestCounts).toEqual({ discovery: 1, jwks: 1 });
    } finally {
      await local.close();
    }
  });
});

describe('email verification', () => {
  it('refuses email_verified false, missing, or not a boolean', async () => {
    await expectRefusal(idp.issueToken({ email_verified: false }), 'EMAIL_NOT_VERIFIED');
    await expectRefusal(idp.issueToken({ email_verified: 'false' }), 'EMAIL_NOT_VERIFIED');
    await expectRefusal(idp.issueToken({ email_verified: undefined }), 'EMAIL_NOT_VERIFIED');
    await expectRefusal(idp.issueToken({ email_verified: 'yes' }), 'INVALID_IDENTITY');
  });
});
