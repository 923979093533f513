import { BaseError } from '@sigbox/core';

export type CaErrorCode =
  | 'INVALID_TOKEN'
  | 'INVALID_IDENTITY'
  | 'INVALID_REQUEST'
  | 'INVALID_CSR'
  | 'INVALID_PUBLIC_KEY'
  | 'INSECURE_KEY'
  | 'INVALID_SIGNATURE'
  | 'ALGORITHM_NOT_PERMITTED'
  | 'CA_BACKEND'
  | 'CT_LOG'
  /** The CT log takes no entry now (busy, shutting down, its database unreachable) or did not answer in time. */
  | 'CT_LOG_UNAVAILABLE'
  /** A verified identity no rule of the issuance policy accepts (`--issuance-policy`). */
  | 'IDENTITY_NOT_ACCEPTED'
  /** The accepting rule's `rateLimit` is used up for this subject; `details.retryAfterSeconds` says when a slot frees. */
  | 'RATE_LIMITED';

/**
 * Client-facing texts, word for word as fulcio answers (pkg/server/error.go). Token failures share one message
 * whatever went wrong: the detail goes to the server log only (sigstore/fulcio#1769).
 */
export const CA_MESSAGES = {
  INVALID_TOKEN: 'There was an error processing the identity token',
  INVALID_IDENTITY: 'There was an error processing the identity token',
  INVALID_CSR: 'The certificate signing request could not be parsed',
  INVALID_PUBLIC_KEY: 'The public key supplied in the request could not be parsed',
  INSECURE_KEY: 'The public key supplied in the request is insecure',
  INVALID_SIGNATURE: 'The signature supplied in the request could not be verified',
  CA_BACKEND: 'error communicating with CA backend',
  CT_LOG: 'Error entering certificate in CTL',
  CT_LOG_UNAVAILABLE: 'Error entering certificate in CTL',
} as const;

/**
 * HTTP status per code: fulcio answers client errors InvalidArgument and backend failures Internal
 * (pkg/server/grpc_server.go at v1.8.8), which grpc-gateway turns into 400 and 500 (runtime/errors.go
 * `HTTPStatusFromCode` at v2.29.0). INVALID_IDENTITY is a verified identity no certificate can carry (an email
 * address that is not ASCII, RFC 5280 §4.2.1.6): the client's to fix, so 400 with the identity-token text, where
 * fulcio fails inside x509.CreateCertificate and answers 500 "error communicating with CA backend".
 */
export const CA_ERROR_STATUS: Readonly<Record<CaErrorCode, number>> = {
  INVALID_TOKEN: 400,
  INVALID_IDENTITY: 400,
  INVALID_REQUEST: 400,
  INVALID_CSR: 400,
  INVALID_PUBLIC_KEY: 400,
  INSECURE_KEY: 400,
  INVALID_SIGNATURE: 400,
  ALGORITHM_NOT_PERMITTED: 400,
  CA_BACKEND: 500,
  CT_LOG: 500,
  // Fulcio answers every CT failure Internal; one the client can retry (no certificate was issued, and the log will
  // take the precertificate again once it is back) is Unavailable here, a 503 with Retry-After, in Fulcio's body.
  CT_LOG_UNAVAILABLE: 503,
  // Fulcio has no issuance policy. A refusal of an authenticated caller is gRPC PermissionDenied and a used-up quota
  // ResourceExhausted, which grpc-gateway answers 403 and 429 (runtime/errors.go `HTTPStatusFromCode` at v2.29.0);
  // the message, unlike the token texts, says why: the caller can only fix what it is told.
  IDENTITY_NOT_ACCEPTED: 403,
  RATE_LIMITED: 429,
};

/** A refused or failed issuance; `message` is what the client sees, `cause`/`details` are for the log. */
export class CaError extends BaseError<CaErrorCode> {
  get status(): number {
    return CA_ERROR_STATUS[this.code];
  }
}
