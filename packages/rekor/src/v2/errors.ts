import { BaseError } from '@sigbox/core';

/**
 * Failure codes of the Rekor v2 personality, each answered as rekor-tiles answers it through grpc-gateway:
 * `{"code":<gRPC code>,"message":…,"details":[]}` with the gRPC code's HTTP status (rekor-tiles
 * internal/server/service.go CreateEntry at 74e3eb0e9b4203ee30912eb35c3467c551ef37c9).
 */
export type RekorV2ErrorCode =
  /** 400 InvalidArgument: the generic `invalid hashedrekord request` (the detail is only logged, as upstream). */
  | 'INVALID_ARGUMENT'
  /** 409 AlreadyExists + `X-Log-Index` (details.logIndex). */
  | 'ALREADY_EXISTS'
  /** 503 Unavailable `reached max pushback; retry`. */
  | 'UNAVAILABLE'
  /** 405 with the plain-text body upstream's `--read-only` answers (a frozen tree). */
  | 'READ_ONLY'
  /** 500 Unknown `failed to integrate entry`: the cause is logged, never told. */
  | 'INTERNAL';

/** gRPC code (google.golang.org/grpc/codes) and HTTP status (grpc-gateway HTTPStatusFromCode) per error. */
export const REKOR_V2_ERROR_STATUS: Readonly<Record<RekorV2ErrorCode, { grpc: number; http: number }>> = {
  INVALID_ARGUMENT: { grpc: 3, http: 400 },
  ALREADY_EXISTS: { grpc: 6, http: 409 },
  UNAVAILABLE: { grpc: 14, http: 503 },
  READ_ONLY: { grpc: 12, http: 405 },
  INTERNAL: { grpc: 2, http: 500 },
};

/** Upstream's client-facing texts. */
export const INVALID_HASHEDREKORD = 'invalid hashedrekord request';
export const INVALID_DSSE = 'invalid dsse request';
export const INVALID_TYPE = 'invalid type, must be hashedrekord';
export const READ_ONLY_TEXT = 'This log has been frozen, please switch to the latest log.';

export class RekorV2Error extends BaseError<RekorV2ErrorCode> {
  get grpcCode(): number {
    return REKOR_V2_ERROR_STATUS[this.code].grpc;
  }
  get status(): number {
    return REKOR_V2_ERROR_STATUS[this.code].http;
  }
}

/** A request refused with upstream's generic message; `detail` is for the log only. */
export function invalidRequest(message: string, detail: string, cause?: unknown): RekorV2Error {
  return new RekorV2Error('INVALID_ARGUMENT', message, { cause: cause ?? new Error(detail), details: { detail } });
}
