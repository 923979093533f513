import { BaseError } from '@sigbox/core';

/**
 * Why a trust document could not be built. Each code names input the operator (or a service describing itself)
 * got wrong; nothing here is a transient failure.
 */
export type TrustErrorCode =
  | 'UNSUPPORTED_KEY'
  | 'INVALID_TIME'
  | 'INVALID_URL'
  | 'INVALID_CHAIN'
  | 'INVALID_SERVICE';

export class TrustError extends BaseError<TrustErrorCode> {}
