import { BaseError } from '@sigbox/core';
import { isDatabaseUnavailable } from '@sigbox/db';

export type LogErrorCode =
  /** More entries wait than the tree accepts: the edge answers 503 with Retry-After. */
  | 'PUSHBACK'
  /** The engine is shutting down and takes no more entries. */
  | 'CLOSED'
  /**
   * The database did not answer (down, restarting, cut off, or past its timeouts): the entry may or may not have been
   * sequenced, and a retry answers either way (a duplicate keeps its first index). The edge answers 503 with Retry-After.
   */
  | 'UNAVAILABLE'
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_OUT_OF_RANGE'
  | 'ENTRY_TOO_LARGE'
  | 'TREE_CONFLICT'
  /**
   * The tree is frozen (a log key rotation moved writes to a new tree) and takes no entries: the personality
   * writes to its new active tree instead. Nothing of the refused entry was stored.
   */
  | 'TREE_FROZEN'
  /** Stored state contradicts itself (a gap in the entries, a missing tile): never answer from it. */
  | 'CORRUPT_STATE'
  /** A proof the engine built did not verify against the checkpoint it was built for. */
  | 'PROOF_SELF_CHECK_FAILED';

export class LogError extends BaseError<LogErrorCode> {}

/**
 * A failure of the writer as the engine reports it: a database that did not answer (DbError `UNAVAILABLE`) becomes
 * `LogError('UNAVAILABLE')`, which crosses from a writer thread intact and which each personality maps to its 503;
 * anything else is unchanged.
 */
export function engineErrorOf(error: unknown): unknown {
  return isDatabaseUnavailable(error) ? new LogError('UNAVAILABLE', "the log's database is unavailable", { cause: error }) : error;
}

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
