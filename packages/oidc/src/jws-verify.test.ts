import crypto from 'node:crypto';
import { type IssuerAlgorithm, type IssuerKey, type OidcIssuer, createIssuerKey, signJwt, startOidcIssuer } from '@sigbox/testkit';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NBF_LEEWAY_SECONDS } from './registered-claims.js';
import { createIssuerVerifier } from './verifier.js';

// The verifier moved from jose's jwtVerify (WebCrypto) to node:crypto; jwtVerify with the options it had is the
// oracle here: every token below must be accepted or refused by both, and the refusal codes must say why.
const NOW = new Date('2026-08-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const ALGORITHMS: IssuerAlgorithm[] = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'];

let idp: OidcIssuer;
beforeAll(async () => { idp = await startOidcIssuer({ algorithms: ALGORITHMS, clock: () => NOW }); });
afterAll(() => idp.close());

const keyOf = (alg: IssuerAlgorithm): IssuerKey => idp.keys.find((k) => k.alg === alg) as IssuerKey;
const claims = (over: Record<string, unknown> = {}) => ({ iss: idp.url, sub: 'x', aud: 'sigstore', exp: NOW_S + 60, email: 'a@example.com', email_verified: true, ...over });
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The pre-change rule: jose jwtVerify with the old options, plus "exp gets no leeway". */
async function oracle(token: string): Promise<boolean> {
  const jwks = createLocalJWKSet({ keys: idp.keys.map((k) => k.jwk) });
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: idp.url, audience: 'sigstore', algorithms: ALGORITHMS, currentDate: NOW, clockTolerance: NBF_LEEWAY_SECONDS, requiredClaims: ['exp'],
    });
    return typeof payload.exp === 'number' && payload.exp * 1000 > NOW.getTime();
  } catch {
    return false;
  }
}

async function ours(token: string): Promise<true | string> {
  const verifier = createIssuerVerifier(idp.url, 'sigstore', { clock: () => NOW });
  return verifier.verify(token).then(() => true as const, (err: { code: string }) => err.code);
}

/** Signs `payload` under `header` with `alg`'s published key, or re-assembles raw parts when given strings. */
const signed = (alg: IssuerAlgorithm, header: Record<string, unknown>, payload: Record<string, unknown>) =>
  signJwt({ alg, kid: keyOf(alg).kid, ...header }, payload, keyOf(alg), alg);

function pssWithSalt(saltLength: number): string {
  const key = keyOf('PS256');
  const input = `${b64({ alg: 'PS256', kid: key.kid })}.${b64(claims())}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength });
  return `${input}.${sig.toString('base64url')}`;
}

function derEcdsa(): string {
  const key = keyOf('ES256');
  const input = `${b64({ alg: 'ES256', kid: key.kid })}.${b64(claims())}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

const CASES: Array<[string, () => string, true | string]> = [
  ...ALGORITHMS.map((alg): [string, () => string, true] => [`${alg} valid`, () => signed(alg, {}, claims()), true]),
  ['ES256 without kid (one candidate key)', () => signJwt({ alg: 'ES256' }, claims(), keyOf('ES256'), 'ES256'), true],
  ['ES256 header says ES384', () => signJwt({ alg: 'ES384', kid: keyOf('ES256').kid }, claims(), keyOf('ES256'), 'ES256'), 'UNKNOWN_KEY'],
  ['RS256 signed, header PS256 with the RSA kid', () => signJwt({ alg: 'PS256', kid: keyOf('RS256').kid }, claims(), keyOf('RS256'), 'RS256'), 'UNKNOWN_KEY'],
  ['PS256 with a 20-byte salt', () => pssWithSalt(20), 'INVALID_SIGNATURE'],
  ['PS256 with a 32-byte salt', () => pssWithSalt(32), true],
  ['ES256 with a DER signature', derEcdsa, 'INVALID_SIGNATURE'],
  ['ES256 r‖s one byte short', () => { const t = signed('ES256', {}, claims()).split('.'); return `${t[0]}.${t[1]}.${Buffer.from(t[2]!, 'base64url').subarray(1).toString('base64url')}`; }, 'INVALID_SIGNATURE'],
  ['ES256 r‖s with a zero byte appended', () => { const t = signed('ES256', {}, claims()).split('.'); return `${t[0]}.${t[1]}.${Buffer.concat([Buffer.from(t[2]!, 'base64url'), Buffer.of(0)]).toString('base64url')}`; }, 'INVALID_SIGNATURE'],
  ['ES384 r‖s with s and r swapped', () => { const t = signed('ES384', {}, claims()).split('.'); const sig = Buffer.from(t[2]!, 'base64url'); return `${t[0]}.${t[1]}.${Buffer.concat([sig.subarray(48), sig.subarray(0, 48)]).toString('base64url')}`; }, 'INVALID_SIGNATURE'],
  ['EdDSA signed by another key under the same kid', () => signJwt({ alg: 'EdDSA', kid: keyOf('EdDSA').kid }, claims(), createIssuerKey('EdDSA'), 'EdDSA'), 'INVALID_SIGNATURE'],
  ['crit b64 true', () => signed('ES256', { crit: ['b64'], b64: true }, claims()), true],
  ['crit b64 twice', () => signed('ES256', { crit: ['b64', 'b64'], b64: true }, claims()), true],
  ['crit b64 false', () => signed('ES256', { crit: ['b64'], b64: false }, claims()), 'MALFORMED_TOKEN'],
  ['crit b64 missing', () => signed('ES256', { crit: ['b64'] }, claims()), 'MALFORMED_TOKEN'],
  ['crit unknown', () => signed('ES256', { crit: ['exp'], exp: 1 }, claims()), 'MALFORMED_TOKEN'],
  ['crit empty', () => signed('ES256', { crit: [] }, claims()), 'MALFORMED_TOKEN'],
  ['b64 false without crit (ignored)', () => signed('ES256', { b64: false }, claims()), true],
  ['alg empty', () => signJwt({ alg: '', kid: keyOf('ES256').kid }, claims(), keyOf('ES256'), 'ES256'), 'MALFORMED_TOKEN'],
  ['alg HS256', () => signJwt({ alg: 'HS256', kid: keyOf('RS256').kid }, claims(), keyOf('RS256'), 'HS256'), 'ALGORITHM_NOT_ALLOWED'],
  ['header is an array', () => `${b64([1])}.${b64(claims())}.${b64('x')}`, 'MALFORMED_TOKEN'],
  ['header is not JSON', () => `${b64('{')}.${b64(claims())}.${b64('x')}`, 'MALFORMED_TOKEN'],
  ['signature not base64url', () => `${signed('ES256', {}, claims()).split('.').slice(0, 2).join('.')}.***`, 'MALFORMED_TOKEN'],
  ['claims set is an array', () => signJwt({ alg: 'ES256', kid: keyOf('ES256').kid }, [1] as unknown as Record<string, unknown>, keyOf('ES256'), 'ES256'), 'MALFORMED_TOKEN'],
  ['iss missing', () => signed('ES256', {}, claims({ iss: undefined })), 'INVALID_CLAIMS'],
  ['iss other', () => signed('ES256', {}, claims({ iss: `${idp.url}/x` })), 'INVALID_CLAIMS'],
  ['aud array with other members', () => signed('ES256', {}, claims({ aud: [1, 'sigstore'] })), true],
  ['aud number', () => signed('ES256', {}, claims({ aud: 5 })), 'WRONG_AUDIENCE'],
  ['iat a string', () => signed('ES256', {}, claims({ iat: 'yesterday' })), 'INVALID_CLAIMS'],
  ['iat in the future', () => signed('ES256', {}, claims({ iat: NOW_S + 3600 })), true],
  ['nbf a string', () => signed('ES256', {}, claims({ nbf: 'now' })), 'TOKEN_NOT_YET_VALID'],
  ['nbf 300.5 s ahead', () => signed('ES256', {}, claims({ nbf: NOW_S + 300.5 })), 'TOKEN_NOT_YET_VALID'],
  ['exp null', () => signed('ES256', {}, claims({ exp: null })), 'TOKEN_EXPIRED'],
  ['exp a string', () => signed('ES256', {}, claims({ exp: String(NOW_S + 60) })), 'TOKEN_EXPIRED'],
  ['exp now + 0.5 s', () => signed('ES256', {}, claims({ exp: NOW_S + 0.5 })), true],
  ['exp now', () => signed('ES256', {}, claims({ exp: NOW_S })), 'TOKEN_EXPIRED'],
];

describe('JWT verification on node:crypto agrees with jose jwtVerify', () => {
  it.each(CASES)('%s', async (_name, make, expected) => {
    const token = make();
    const verdict = await ours(token);
    expect(verdict).toBe(expected);
    expect(verdict === true).toBe(await oracle(token));
  });

  it('refuses an RSA JWKS key under 2,048 bits before checking the signature', async () => {
    const small = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...(small.publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'small', alg: 'RS256', use: 'sig' };
    const local = await startOidcIssuer({ algorithms: ['RS256'], clock: () => NOW });
    try {
      const verifier = createIssuerVerifier(local.url, 'sigstore', { clock: () => NOW, fetch: (url, init) => String(url).endsWith('/jwks')
        ? Promise.resolve(Response.json({ keys: [jwk] })) : fetch(url, init) });
      const key = { kid: 'small', alg: 'RS256' as const, privateKey: small.privateKey, publicKey: small.publicKey, jwk };
      const token = signJwt({ alg: 'RS256', kid: 'small' }, { ...claims(), iss: local.url }, key, 'RS256');
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'JWKS_FAILED' });
    } finally {
      await local.close();
    }
  });
});
