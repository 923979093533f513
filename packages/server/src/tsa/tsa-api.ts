import type { tsa } from '@sigbox/api';
import { CLIENT_ERROR_CODES, MAX_DER_REQUEST_BYTES, type Timestamper, TsaError, parseJsonTimestampRequest, parseTimestampRequest } from '@sigbox/tsa';
import { rekorError, rekorErrorFormat } from '../error-formats.js';
import type { HttpError } from '../http-error.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';

const op = operationsOf<tsa.paths>();

export const TIMESTAMP_PATH = '/api/v1/timestamp';
export const TIMESTAMP_QUERY_TYPE = 'application/timestamp-query';
export const TIMESTAMP_REPLY_TYPE = 'application/timestamp-reply';
const CONSUMES = ['application/json', TIMESTAMP_QUERY_TYPE];

/**
 * Upstream answers every bad request 400 `{"code":400,"message":<its constant>}` (pkg/api/error.go at
 * 027bd03ae621feff8b88c01f1f05c5369f4e7bcf); the core's TsaError carries that constant. A server-side TsaError
 * (a broken chain) is not the client's business: generic 500.
 */
export function mapTsaError(err: unknown): HttpError | undefined {
  if (!(err instanceof TsaError) || !CLIENT_ERROR_CODES.has(err.code)) return undefined;
  return rekorError(400, err.clientMessage);
}

/** The media type of a Content-Type, lower case, parameters dropped (Go's mime.ParseMediaType). */
function mediaType(contentType: string | string[] | undefined): string {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return (value ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/** The TSA a process signs with now (a rotation swaps it: open-tsa.ts). */
export interface TsaService {
  /** The leaf signer and chain, prepared once. */
  readonly timestamper: Timestamper;
  /** The chain as served by /certchain: PEM, leaf first. */
  readonly chainPem: string;
}

export interface TsaApiOptions {
  /** Read on every request: a swappable proxy follows a rotation. */
  readonly tsa: TsaService;
  /** Policies a request may name (default: the sigstore policy alone). */
  readonly acceptedPolicies?: readonly string[];
}

/**
 * sigstore/timestamp-authority's HTTP API (openapi/tsa.yaml). The request's media type picks the parser, as
 * upstream's getContentType does (pkg/api/timestamp.go): `application/timestamp-query` → DER, `application/json`
 * → the JSON form, any other `application/*` → 400 with the generic message (upstream falls through to its DER
 * parser, which fails), anything else → 415 in go-openapi's words. The body limit is the DER bound; the JSON form's
 * tighter 1 KiB bound is the parser's (a 400 "timestamp request is too large", not a 413, as upstream).
 */
export function createTsaApi(options: TsaApiOptions): Api {
  const { tsa } = options;
  const policy = options.acceptedPolicies === undefined ? {} : { acceptedPolicies: options.acceptedPolicies };
  const timestamp = op.post(TIMESTAMP_PATH, { body: 'bytes', bodyLimit: MAX_DER_REQUEST_BYTES }, async ({ body, headers }) => {
    const type = mediaType(headers['content-type']);
    if (!type.startsWith('application/')) {
      return { status: 415, body: { code: 415, message: `unsupported media type ${JSON.stringify(type)}, only [${CONSUMES.join(' ')}] are allowed` } };
    }
    const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);
    const request = type === 'application/json' ? parseJsonTimestampRequest(bytes, policy) : parseTimestampRequest(bytes, policy);
    return { status: 200, body: await tsa.timestamper.respond(request), contentType: TIMESTAMP_REPLY_TYPE };
  });
  const certchain = op.get(`${TIMESTAMP_PATH}/certchain`, () => ({ status: 200, body: tsa.chainPem, contentType: 'application/pem-certificate-chain' }));
  return { name: 'tsa', prefixes: [TIMESTAMP_PATH], errorFormat: rekorErrorFormat, mapError: mapTsaError, operations: [timestamp, certchain] };
}
