import { encoding } from '@sigbox/core';
import { CA_MESSAGES, CaError } from './errors.js';

/** What a client asks for, whatever API version it came through. */
export interface SigningRequest {
  token: string;
  key:
    | { kind: 'public-key'; content: string | Uint8Array; proofOfPossession: Uint8Array }
    | { kind: 'csr'; csr: string | Uint8Array };
}

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** proto3 JSON: lowerCamelCase or the original snake_case name; `null` means unset. */
function field(obj: Json | undefined, camel: string, snake: string): unknown {
  const value = obj?.[camel] ?? obj?.[snake];
  return value === null ? undefined : value;
}

function invalid(message: string): CaError {
  return new CaError('INVALID_REQUEST', message);
}

/** proto3 `bytes`: standard or URL-safe base64, padded or not. */
function bytesField(value: unknown, name: string): Uint8Array {
  if (typeof value !== 'string') throw invalid(`${name}: expected base64 bytes`);
  const standard = value.replace(/-/g, '+').replace(/_/g, '/');
  try {
    return encoding.fromBase64(standard);
  } catch {
    throw invalid(`${name}: invalid base64`);
  }
}

/** `Authorization: Bearer <jwt>` (the prefix is case-sensitive upstream). */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() || undefined : undefined;
}

function requireToken(token: string | undefined): string {
  if (token === undefined) throw new CaError('INVALID_TOKEN', CA_MESSAGES.INVALID_TOKEN, { details: { reason: 'no token' } });
  return token;
}

/**
 * POST /api/v2/signingCert as fulcio reads it (pkg/server/grpc_server.go at v1.8.8): the body's
 * `credentials.oidcIdentityToken` wins over the Bearer header; exactly one of `publicKeyRequest` and
 * `certificateSigningRequest`.
 */
export function parseSigningRequestV2(body: unknown, authorization: string | undefined): SigningRequest {
  const json = object(body) ?? {};
  const credential = field(object(field(json, 'credentials', 'credentials')), 'oidcIdentityToken', 'oidc_identity_token');
  const token = requireToken(typeof credential === 'string' && credential !== '' ? credential : bearerToken(authorization));
  const keyRequest = object(field(json, 'publicKeyRequest', 'public_key_request'));
  const csr = field(json, 'certificateSigningRequest', 'certificate_signing_request');
  if (keyRequest && csr !== undefined) throw invalid('only one of publicKeyRequest and certificateSigningRequest may be set');
  if (csr !== undefined) return { token, key: { kind: 'csr', csr: bytesField(csr, 'certificateSigningRequest') } };
  const content = field(object(field(keyRequest, 'publicKey', 'public_key')), 'content', 'content');
  if (typeof content !== 'string' || content === '') throw new CaError('INVALID_PUBLIC_KEY', CA_MESSAGES.INVALID_PUBLIC_KEY);
  const proof = field(keyRequest, 'proofOfPossession', 'proof_of_possession');
  return { token, key: { kind: 'public-key', content, proofOfPossession: proof === undefined ? new Uint8Array() : bytesField(proof, 'proofOfPossession') } };
}

/**
 * POST /api/v1/signingCert (legacy; cosign v2): `publicKey.content` is base64 of a PEM or DER key,
 * `signedEmailAddress` the proof of possession; or a base64 CSR. Token from the header only.
 */
export function parseSigningRequestV1(body: unknown, authorization: string | undefined): SigningRequest {
  const json = object(body) ?? {};
  const token = requireToken(bearerToken(authorization));
  const csr = field(json, 'certificateSigningRequest', 'certificate_signing_request');
  if (csr !== undefined && csr !== '') return { token, key: { kind: 'csr', csr: bytesField(csr, 'certificateSigningRequest') } };
  const content = field(object(field(json, 'publicKey', 'public_key')), 'content', 'content');
  if (content === undefined || content === '') throw new CaError('INVALID_PUBLIC_KEY', CA_MESSAGES.INVALID_PUBLIC_KEY);
  const proof = field(json, 'signedEmailAddress', 'signed_email_address');
  return {
    token,
    key: { kind: 'public-key', content: bytesField(content, 'publicKey.content'), proofOfPossession: proof === undefined ? new Uint8Array() : bytesField(proof, 'signedEmailAddress') },
  };
}
