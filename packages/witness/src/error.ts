import { BaseError } from '@sigbox/core';

/**
 * Why witnessing a checkpoint failed. The witness's refusals follow C2SP tlog-witness (C2SP/C2SP@5ba5ee83
 * tlog-witness.md §add-checkpoint): 400, 403, 404, 422; a 409 is not an error but an answer (`conflict`).
 */
export type WitnessErrorCode =
  /** The policy file is not one Tessera's `NewWitnessGroupFromPolicy` would take (the message names the line). */
  | 'INVALID_POLICY'
  /** What we were about to send is not a valid add-checkpoint body (a bug on our side, never sent). */
  | 'INVALID_REQUEST'
  /** 400: the witness found the old size above the checkpoint's, or the body malformed. */
  | 'BAD_REQUEST'
  /** 403: no signature from a log key the witness trusts verified (litewitness also answers 403 for an unknown log). */
  | 'SIGNATURE_REFUSED'
  /** 404: the witness does not know the checkpoint's origin. */
  | 'UNKNOWN_LOG'
  /** 422: the consistency proof does not verify, or the same size came with another root. */
  | 'INCONSISTENT'
  /** 409 with a size above the checkpoint's: the witness has seen more of this log than we have. */
  | 'WITNESS_AHEAD'
  /** Any other HTTP status. */
  | 'UNEXPECTED_STATUS'
  /** A 200 or 409 whose body is not what the spec says it must be. */
  | 'INVALID_RESPONSE'
  /** A 200 without a cosignature from the witness's key that verifies over the checkpoint sent. */
  | 'INVALID_COSIGNATURE'
  /** The witness could not be reached (connection refused, reset, DNS). */
  | 'UNREACHABLE'
  /** The witness did not answer in time. */
  | 'TIMEOUT';

export class WitnessError extends BaseError<WitnessErrorCode> {}
