import { STATUS_CODES } from 'node:http';
import { HttpError, type ErrorFormat, type Problem } from './http-error.js';

const reason = (status: number): string => STATUS_CODES[status] ?? 'Error';

/**
 * gRPC status code for an HTTP status, the inverse of grpc-gateway's `HTTPStatusFromCode`
 * (grpc-gateway runtime/errors.go); 413 has no gRPC twin and is reported as ResourceExhausted, 408 (a body that
 * did not arrive in time) none either and is reported as DeadlineExceeded.
 */
const GRPC_CODE_BY_STATUS: Readonly<Record<number, number>> = {
  400: 3, // InvalidArgument
  401: 16, // Unauthenticated
  403: 7, // PermissionDenied
  404: 5, // NotFound
  408: 4, // DeadlineExceeded
  409: 6, // AlreadyExists
  413: 8, // ResourceExhausted
  429: 8, // ResourceExhausted
  499: 1, // Canceled
  501: 12, // Unimplemented
  503: 14, // Unavailable
  504: 4, // DeadlineExceeded
};
const GRPC_UNKNOWN = 2;
const GRPC_INTERNAL = 13;

/** The gRPC code Fulcio would put in `code` for this HTTP status. */
export function grpcCodeFor(status: number): number {
  return GRPC_CODE_BY_STATUS[status] ?? (status >= 500 ? GRPC_INTERNAL : GRPC_UNKNOWN);
}

/** Fulcio body (grpc-gateway's `status.Status` JSON): `{"code":<gRPC code>,"message":"...","details":[]}`. */
export function fulcioError(status: number, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, { code: grpcCodeFor(status), message, details: [] }, headers ? { headers } : {});
}

/** Rekor v1 body (go-swagger's `models.Error`): `{"code":<HTTP status>,"message":"..."}`. */
export function rekorError(status: number, message: string, headers?: Record<string, string>): HttpError {
  return new HttpError(status, { code: status, message }, headers ? { headers } : {});
}

function fulcioMessage(p: Problem): string {
  // grpc-gateway's own texts: an unknown path is "Not Found", a body it cannot unmarshal "error parsing request body".
  if (p.kind === 'MALFORMED_BODY') return 'error parsing request body';
  if (p.kind === 'INTERNAL') return 'Internal error';
  return reason(p.status);
}

/**
 * Fulcio (grpc-gateway v2) dialect. A known path asked with another method is Unimplemented, 501 "Method Not
 * Allowed" (grpc-gateway v2 runtime/errors.go `DefaultRoutingErrorHandler` turns a 405 into codes.Unimplemented).
 */
export const fulcioErrorFormat: ErrorFormat = {
  name: 'fulcio',
  toHttpError: (p) => (p.kind === 'METHOD_NOT_ALLOWED' ? fulcioError(501, 'Method Not Allowed') : fulcioError(p.status, fulcioMessage(p))),
};

/**
 * Where an API's format has no word of its own for a method its path does not take, the answer stays the 404 it
 * has always been.
 */
const asNotFound = (p: Problem): Problem => (p.kind === 'METHOD_NOT_ALLOWED' ? { ...p, kind: 'NOT_FOUND', status: 404 } : p);

function rekorMessage(p: Problem): string {
  // go-openapi runtime's router: errors.NotFound("path %s was not found", r.URL.EscapedPath()).
  if (p.kind === 'NOT_FOUND') return `path ${p.path} was not found`;
  if (p.kind === 'MALFORMED_BODY') return 'error parsing request body';
  return reason(p.status);
}

/** Rekor v1 (go-swagger) dialect; also Sigbox's own endpoints' dialect. */
export const rekorErrorFormat: ErrorFormat = {
  name: 'rekor',
  toHttpError: (problem) => {
    const p = asNotFound(problem);
    return rekorError(p.status, rekorMessage(p));
  },
};

/** Sigbox's own endpoints (/healthz, /metrics, trust files): the Rekor v1 shape, openapi/sigbox.yaml `Error`. */
export const sigboxErrorFormat: ErrorFormat = {
  name: 'sigbox',
  toHttpError: (problem) => {
    const p = asNotFound(problem);
    return rekorError(p.status, p.kind === 'NOT_FOUND' ? 'Not Found' : rekorMessage(p));
  },
};

/** Plain-text dialect (Go `http.Error`, as CT logs answer): the reason phrase and a newline. */
export const plainTextErrorFormat: ErrorFormat = {
  name: 'text',
  toHttpError: (problem) => {
    const { status } = asNotFound(problem);
    return new HttpError(status, `${reason(status)}\n`);
  },
};
