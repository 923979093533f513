import type { KeyObject } from 'node:crypto';
import crypto from 'node:crypto';
import { encoding, sha256, spkiDer } from '@sigbox/core';
import type { sigbox } from '@sigbox/api';
import { HttpError } from '../http-error.js';
import { sigboxErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';

/** Where the development issuer lives below the public URL. */
export const DEV_ISSUER_PATH = '/oidc';
/** Fulcio's default audience (ClientID "sigstore"). */
export const DEV_TOKEN_AUDIENCE = 'sigstore';
/** Tokens live as long as Fulcio certificates. */
export const DEV_TOKEN_TTL_SECONDS = 600;
/**
 * RS256, not ES256: cosign v2 and v3 take `--identity-token` as a raw token only if it parses as an RS256 JWS,
 * and otherwise read it as a file name ("open eyJ…: file name too long"; cosign internal/auth/auth.go idToken).
 */
export const DEV_TOKEN_ALGORITHM = 'RS256';
const MAX_CLAIM_LENGTH = 256;
/** Token requests are a claim or two: a small limit for a body anyone may send. */
const TOKEN_BODY_LIMIT = 16 * 1024;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export interface DevIssuerOptions {
  /** `<public-url>/oidc`: the token's `iss` and the discovery document's `issuer` (read per request: the port may be chosen at listen time). */
  issuerUrl: string | (() => string);
  /** RSA key that signs tokens (RS256); kept in the data folder so tokens survive a restart. */
  privateKey: KeyObject;
  clock?: () => Date;
}

function base64UrlJson(value: unknown): string {
  return encoding.toBase64Url(encoding.utf8(JSON.stringify(value)));
}

/** A compact RS256 JWS: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). */
export function signDevToken(claims: Record<string, unknown>, privateKey: KeyObject, kid: string): string {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new TypeError('the development issuer signs RS256: it needs an RSA key');
  const input = `${base64UrlJson({ alg: DEV_TOKEN_ALGORITHM, typ: 'JWT', kid })}.${base64UrlJson(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(input), privateKey);
  return `${input}.${encoding.toBase64Url(signature)}`;
}

function requestedIdentity(body: unknown): { sub: string; email?: string } {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const { email, sub } = fields;
  if (typeof email === 'string' && email.length <= MAX_CLAIM_LENGTH && EMAIL_RE.test(email)) {
    return { sub: typeof sub === 'string' && sub !== '' ? sub : email, email };
  }
  if (email === undefined && typeof sub === 'string' && sub !== '' && sub.length <= MAX_CLAIM_LENGTH) return { sub };
  throw new HttpError(400, { code: 400, message: 'body must be {"email": "<address>"} or {"sub": "<subject>"}' });
}

/**
 * The `--dev` OIDC issuer: discovery, JWKS and a token endpoint that hands anyone a token for any identity.
 * It exists so a person can try cosign against Sigbox with no identity provider; never enable it in
 * production (the start-up banner says so).
 */
export function createDevIssuerApi(options: DevIssuerOptions): Api {
  const clock = options.clock ?? (() => new Date());
  const publicKey = crypto.createPublicKey(options.privateKey);
  // RFC 7638 thumbprints would do too; any stable ID works since there is one key.
  const kid = encoding.toBase64Url(sha256(spkiDer(publicKey)).subarray(0, 16));
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: DEV_TOKEN_ALGORITHM };
  const issuerUrl = typeof options.issuerUrl === 'string' ? () => options.issuerUrl as string : options.issuerUrl;
  const discovery = () => ({
    issuer: issuerUrl(),
    jwks_uri: `${issuerUrl()}/jwks`,
    token_endpoint: `${issuerUrl()}/token`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [DEV_TOKEN_ALGORITHM],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'nbf', 'exp', 'email', 'email_verified'],
  });

  const op = operationsOf<sigbox.paths>();
  const discoveryOperation = op.get('/oidc/.well-known/openid-configuration', () => ({ status: 200, body: discovery() }));
  const keysOperation = op.get('/oidc/jwks', () => ({ status: 200, body: { keys: [jwk] } }));
  const tokenOperation = op.post('/oidc/token', { body: 'form', bodyLimit: TOKEN_BODY_LIMIT }, ({ body }) => {
    const identity = requestedIdentity(body);
    const now = Math.floor(clock().getTime() / 1000);
    const claims = {
      iss: issuerUrl(),
      sub: identity.sub,
      aud: DEV_TOKEN_AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + DEV_TOKEN_TTL_SECONDS,
      ...(identity.email === undefined ? {} : { email: identity.email, email_verified: true }),
    };
    const token = signDevToken(claims, options.privateKey, kid);
    return {
      status: 200,
      body: { id_token: token, access_token: token, token_type: 'Bearer' as const, expires_in: DEV_TOKEN_TTL_SECONDS },
      headers: { 'Cache-Control': 'no-store' },
    };
  });

  return { name: 'dev-oidc', prefixes: [DEV_ISSUER_PATH], errorFormat: sigboxErrorFormat, operations: [discoveryOperation, keysOperation, tokenOperation] };
}
