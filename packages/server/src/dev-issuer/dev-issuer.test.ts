import crypto from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { createDevIssuerApi, signDevToken } from './dev-issuer.js';

const issuerUrl = 'http://127.0.0.1:8080/oidc';
const privateKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const fixedNow = new Date('2026-11-27T12:00:00Z');
const app = createApp({ logger: captureLogger().logger, apis: [createDevIssuerApi({ issuerUrl, privateKey, clock: () => fixedNow })] });

async function verify(token: string) {
  const jwks = createLocalJWKSet((await request(app).get('/oidc/jwks').expect(200)).body);
  return jwtVerify(token, jwks, { issuer: issuerUrl, audience: 'sigstore', algorithms: ['RS256'], currentDate: fixedNow });
}

describe('development OIDC issuer', () => {
  it('publishes discovery naming itself and its JWKS', async () => {
    const { body } = await request(app).get('/oidc/.well-known/openid-configuration').expect(200);
    expect(body).toMatchObject({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
  });

  it('issues an RS256 token (the only kind cosign takes raw on --identity-token) that a standard verifier accepts', async () => {
    const { body } = await request(app).post('/oidc/token').send({ email: 'dev@example.com' }).expect(200);
    expect(body.token_type).toBe('Bearer');
    const { payload, protectedHeader } = await verify(body.id_token);
    expect(protectedHeader.alg).toBe('RS256');
    const now = fixedNow.getTime() / 1000;
    expect(payload).toEqual({
      iss: issuerUrl,
      sub: 'dev@example.com',
      aud: 'sigstore',
      iat: now,
      nbf: now,
      exp: now + 600,
      email: 'dev@example.com',
      email_verified: true,
    });
  });

  it('issues a subject-only token, also from a form body', async () => {
    const { body } = await request(app).post('/oidc/token').type('form').send({ sub: 'spiffe://example.org/ci' }).expect(200);
    const { payload } = await verify(body.id_token);
    expect(payload.sub).toBe('spiffe://example.org/ci');
    expect(payload.email).toBeUndefined();
  });

  it('refuses a token whose signature was altered', async () => {
    const { body } = await request(app).post('/oidc/token').send({ email: 'dev@example.com' }).expect(200);
    const [h, p, s] = (body.id_token as string).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), email: 'ceo@example.com' })).toString('base64url')}.${s}`;
    await expect(verify(forged)).rejects.toThrow();
  });

  it('refuses to sign with a key that is not RSA', () => {
    const ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => signDevToken({ sub: 'x' }, ecKey, 'kid')).toThrow(/RSA/);
  });

  it.each([{}, { email: 'not an email' }, { email: 42 }, { sub: '' }])('answers 400 for %j', async (body) => {
    const res = await request(app).post('/oidc/token').send(body).expect(400);
    expect(res.body).toMatchObject({ code: 400 });
  });
});
