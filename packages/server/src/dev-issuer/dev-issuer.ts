import type { KeyObject } from 'node:crypto';
import crypto from 'node:crypto';
import { encoding, sha256, spkiDer } from '@sigbox/core';
import express, { type Request, type Router } from 'express';
import { HttpError } from '../http-error.js';
import { sigboxErrorFormat } from '../error-formats.js';
import type { Service } from '../service.js';

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

function requestedIdentity(req: Request): { sub: string; email?: string } {
  const body: unknown = req.body;
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
export function createDevIssuerService(options: DevIssuerOptions): Service {
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

  function mount(router: Router): void {
    router.get(`${DEV_ISSUER_PATH}/.well-known/openid-configuration`, (_req, res) => void res.json(discovery()));
    router.get(`${DEV_ISSUER_PATH}/jwks`, (_req, res) => void res.json({ keys: [jwk] }));
    router.post(`${DEV_ISSUER_PATH}/token`, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
      const identity = requestedIdentity(req);
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
      res.set('Cache-Control', 'no-store').json({ id_token: token, access_token: token, token_type: 'Bearer', expires_in: DEV_TOKEN_TTL_SECONDS });
    });
  }

  return { name: 'dev-oidc', prefixes: [DEV_ISSUER_PATH], errorFormat: sigboxErrorFormat, mount };
}
