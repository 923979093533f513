import { BaseError } from '@sigbox/core';

/**
 * Failure codes of the TSA core. The first group is the client's fault (HTTP 400 upstream); each carries
 * `clientMessage`, the exact `message` of upstream's `{"code","message"}` body (sigstore/timestamp-authority
 * pkg/api/error.go at 027bd03ae621feff8b88c01f1f05c5369f4e7bcf), so the HTTP edge only maps code → status.
 * INVALID_CHAIN, INVALID_CERTIFICATE and INVALID_OPTIONS are server-side faults (configuration, ceremony).
 */
export type TsaErrorCode =
  | 'MALFORMED_REQUEST'
  | 'REQUEST_TOO_LARGE'
  | 'WEAK_HASH'
  | 'UNSUPPORTED_HASH'
  | 'INCONSISTENT_DIGEST_LENGTH'
  | 'INVALID_POLICY_OID'
  | 'UNACCEPTED_POLICY'
  | 'UNACCEPTED_EXTENSION'
  | 'INVALID_CHAIN'
  | 'INVALID_CERTIFICATE'
  | 'INVALID_OPTIONS';

/** Upstream's client-facing messages (pkg/api/error.go), by code. */
export const CLIENT_MESSAGES: Readonly<Record<TsaErrorCode, string>> = {
  MALFORMED_REQUEST: 'Error generating timestamp response',
  REQUEST_TOO_LARGE: 'timestamp request is too large',
  WEAK_HASH: 'Weak hash algorithm in timestamp request',
  // Upstream answers an unsupported algorithm with the generic message (getHashAlg, verifyTimestampRequest).
  UNSUPPORTED_HASH: 'Error generating timestamp response',
  INCONSISTENT_DIGEST_LENGTH: 'Message digest has incorrect length for specified algorithm',
  // Upstream's constant, typo and all, for every OID it cannot parse (parseOID).
  INVALID_POLICY_OID: 'OID should be comprised of at most 128 components',
  UNACCEPTED_POLICY: 'unaccepted policy: requested TSA policy is not supported by the TSA',
  UNACCEPTED_EXTENSION: 'unaccepted extension: requested extensions are not supported by the TSA',
  INVALID_CHAIN: 'Error generating timestamp response',
  INVALID_CERTIFICATE: 'Error generating timestamp response',
  INVALID_OPTIONS: 'Error generating timestamp response',
};

/** Codes that are the client's fault: HTTP 400 with {@link TsaError.clientMessage}. */
export const CLIENT_ERROR_CODES: ReadonlySet<TsaErrorCode> = new Set<TsaErrorCode>([
  'MALFORMED_REQUEST',
  'REQUEST_TOO_LARGE',
  'WEAK_HASH',
  'UNSUPPORTED_HASH',
  'INCONSISTENT_DIGEST_LENGTH',
  'INVALID_POLICY_OID',
  'UNACCEPTED_POLICY',
  'UNACCEPTED_EXTENSION',
]);

export class TsaError extends BaseError<TsaErrorCode> {
  /** What upstream tells the client for this failure; `message` is the detail for logs. */
  get clientMessage(): string {
    return CLIENT_MESSAGES[this.code];
  }
}
