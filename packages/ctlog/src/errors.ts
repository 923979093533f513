import { BaseError } from '@sigbox/core';

/**
 * Failure codes of the CT personality. Messages are short, client-safe texts: the HTTP edge answers
 * `CT_ERROR_STATUS[code]` with the message as a plain body, as certificate-transparency-go's ctfe does
 * (trillian/ctfe/handlers.go: every validation failure is a 400, a proof the log cannot give a 404).
 */
export type CtErrorCode =
  /** add-(pre-)chain: the chain is empty, unparsable, broken, not rooted in an accepted root, or of the wrong kind. */
  | 'BAD_CHAIN'
  /** A request body or query parameter that is missing, malformed or out of range. */
  | 'BAD_REQUEST'
  /** get-proof-by-hash: no such leaf in the tree of the requested size. */
  | 'NOT_FOUND'
  /** The in-process SCT issuer gave up waiting for the log (the CA then issues nothing). */
  | 'TIMEOUT'
  /** Bytes that are not the TLS structure they claim to be (decoding SCTs, leaves, extra data). */
  | 'MALFORMED'
  /** Configuration errors at start-up: a log key that is not ECDSA P-256, no or unparsable roots. */
  | 'INVALID_CONFIG'
  /** The log takes no entry now (its queue is full, or it is shutting down): a retryable 503. */
  | 'UNAVAILABLE'
  /** The log failed in a way the client is not told about (the cause is logged): a 500 with the generic text. */
  | 'INTERNAL';

/** HTTP status per code, as ctfe answers (handlers.go; TIMEOUT and UNAVAILABLE as retryable 503s for jsonclient). */
export const CT_ERROR_STATUS: Readonly<Record<CtErrorCode, number>> = {
  BAD_CHAIN: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  TIMEOUT: 503,
  MALFORMED: 400,
  INVALID_CONFIG: 500,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class CtError extends BaseError<CtErrorCode> {}
