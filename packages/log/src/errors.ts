import { BaseError } from '@sigbox/core';

export type LogErrorCode =
  /** More entries wait than the tree accepts: the edge answers 503 with Retry-After. */
  | 'PUSHBACK'
  /** The engine is shutting down and takes no more entries. */
  | 'CLOSED'
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_OUT_OF_RANGE'
  | 'ENTRY_TOO_LARGE'
  | 'TREE_CONFLICT'
  /** Stored state contradicts itself (a gap in the entries, a missing tile): never answer from it. */
  | 'CORRUPT_STATE'
  /** A proof the engine built did not verify against the checkpoint it was built for. */
  | 'PROOF_SELF_CHECK_FAILED';

export class LogError extends BaseError<LogErrorCode> {}

/**
 * `operation` with the engine's errors turned by `map` into the caller's own: a personality's public operations
 * throw only the errors its edge knows how to answer. Any other error (a driver failure, a bug) passes unchanged.
 */
export function mapLogErrors<A extends unknown[], R>(operation: (...args: A) => Promise<R>, map: (error: LogError) => Error): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await operation(...args);
    } catch (error) {
      throw error instanceof LogError ? map(error) : error;
    }
  };
}
