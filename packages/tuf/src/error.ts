import { BaseError } from '@sigbox/core';

/**
 * Why TUF metadata could not be built, signed or accepted. Every code names input the operator (or the ceremony)
 * got wrong or a signer that misbehaved; none is transient.
 */
export type TufErrorCode =
  | 'UNSUPPORTED_KEY'
  | 'INVALID_VERSION'
  | 'INVALID_THRESHOLD'
  | 'INVALID_TIME'
  | 'INVALID_TARGET'
  | 'INVALID_METADATA'
  | 'INVALID_SIGNATURE'
  | 'THRESHOLD_NOT_MET';

export class TufError extends BaseError<TufErrorCode> {}
