import { BaseError } from '@sigbox/core';

/**
 * Failure codes of the Rekor personality. Every message is the exact client-facing text upstream Rekor answers
 * with, so the HTTP edge answers `err.status` with `{"code": err.bodyCode, "message": err.message}`
 * (sigstore/rekor pkg/api/error.go).
 */
export type RekorErrorCode =
  /** 400 `error processing entry: …` (createLogEntry) or the bare detail (searchLogQuery `entries`). */
  | 'INVALID_ENTRY'
  /** JSON of the wrong shape for a ProposedEntry (upstream: a raw encoding/json error, answered 500; here 400). */
  | 'MALFORMED_ENTRY'
  /** 422: what go-swagger rejects while binding the body (unknown kind, missing kind/apiVersion/spec). */
  | 'UNPROCESSABLE_ENTRY'
  /** 500 `error generating canonicalized entry`: the entry parsed but cannot be canonicalized. */
  | 'CANONICALIZATION_FAILED'
  /** 400 malformed 80-hex entry ID (`validation error: …`) or uuid in a search. */
  | 'INVALID_ENTRY_ID'
  /** 422 path/body pattern violations of entry IDs, as go-swagger reports them. */
  | 'UNPROCESSABLE_ENTRY_ID'
  /** 400 for /api/v1/index/retrieve: unsupported PKI format or unparsable key. */
  | 'INVALID_INDEX_QUERY'
  /** 422 for /api/v1/index/retrieve schema violations (hash pattern, operator enum, email format…). */
  | 'UNPROCESSABLE_INDEX_QUERY'
  /** Programming or configuration error: a SET signer that is not ECDSA, an integer beyond 2^53 in v1 JSON. */
  | 'UNSUPPORTED_SIGNER'
  | 'INTEGER_OVERFLOW'
  /** 409 + Location: the same leaf is already in the active tree (details.entryId). */
  | 'DUPLICATE_ENTRY'
  /** 400 for bad query parameters (proof sizes, unknown tree IDs, log indexes). */
  | 'INVALID_REQUEST'
  /** 422 `more than max allowed 10 entries in request` (searchLogQuery). */
  | 'TOO_MANY_ENTRIES'
  /** 503: the log takes no entry now (its queue is full, or it is shutting down); the client retries. */
  | 'UNAVAILABLE'
  /** 413 `entry too large`: the canonical entry exceeds what the log stores per entry. */
  | 'ENTRY_TOO_LARGE'
  /** 500 with the generic text: the log failed in a way the client is not told about (the cause is logged). */
  | 'INTERNAL';

/** HTTP status per code, as upstream answers (pkg/api/error.go, go-openapi/errors for binding failures). */
export const REKOR_ERROR_STATUS: Readonly<Record<RekorErrorCode, number>> = {
  INVALID_ENTRY: 400,
  MALFORMED_ENTRY: 400,
  UNPROCESSABLE_ENTRY: 422,
  CANONICALIZATION_FAILED: 500,
  INVALID_ENTRY_ID: 400,
  UNPROCESSABLE_ENTRY_ID: 422,
  INVALID_INDEX_QUERY: 400,
  UNPROCESSABLE_INDEX_QUERY: 422,
  UNSUPPORTED_SIGNER: 500,
  INTEGER_OVERFLOW: 500,
  DUPLICATE_ENTRY: 409,
  INVALID_REQUEST: 400,
  TOO_MANY_ENTRIES: 422,
  UNAVAILABLE: 503,
  ENTRY_TOO_LARGE: 413,
  INTERNAL: 500,
};

/**
 * go-openapi/errors codes that go-swagger puts in the *body* of binding failures while the HTTP status is 422
 * (errors/schema.go: InvalidTypeCode = 601, RequiredFailCode = 602, … MinFailCode = 609; `asHTTPCode` maps ≥ 600 to 422).
 */
export const GO_OPENAPI_CODE = { INVALID_TYPE: 601, REQUIRED: 602, TOO_LONG: 603, TOO_SHORT: 604, PATTERN: 605, ENUM: 606, MIN: 609 } as const;

/**
 * A client-facing failure. The edge answers `status` with `{"code": bodyCode, "message": message}`; `bodyCode`
 * differs from `status` only for go-swagger binding errors (e.g. 422 with `{"code":602,"message":"kind in body
 * is required"}`).
 */
export class RekorError extends BaseError<RekorErrorCode> {
  readonly status: number;
  readonly bodyCode: number;

  constructor(code: RekorErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; bodyCode?: number } = {}) {
    super(code, message, options);
    this.status = REKOR_ERROR_STATUS[code];
    this.bodyCode = options.bodyCode ?? this.status;
  }
}

/**
 * Internal: a validation failure carrying only upstream's error text (`err.Error()` in Go). The public entry
 * points wrap it with the prefix of the endpoint that failed (`error processing entry: %v` on create, bare on
 * search), which is why kinds throw this rather than a RekorError.
 */
export class EntryValidationError extends Error {
  /** Canonicalize-stage errors that upstream does not classify as input errors (answered 500). */
  readonly internal: boolean;
  constructor(detail: string, options: { internal?: boolean; cause?: unknown } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EntryValidationError';
    this.internal = options.internal ?? false;
  }
}
