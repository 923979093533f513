import type { LogError } from '@sigbox/log';
import { RekorError } from './errors.js';

/** The text of a 500: what the edge's generic answer says, so a mapped engine failure reads the same to clients. */
export const INTERNAL_ERROR_MESSAGE = 'Internal Server Error';

/** What an error of the log engine means to a Rekor client. */
export function rekorErrorOf(error: LogError): RekorError {
  switch (error.code) {
    // tessera's ErrPushback: the client retries.
    case 'PUSHBACK':
      return new RekorError('UNAVAILABLE', 'the log is busy; retry later', { cause: error });
    case 'CLOSED':
      return new RekorError('UNAVAILABLE', 'the log is shutting down', { cause: error });
    // Upstream answers a Trillian that fails an insertion with a 500 (`trillianUnexpectedResult`, rekor
    // pkg/api/entries.go createLogEntry at v1.5.4); a database that is away for a while is a condition the client
    // should retry, so a 503 as for pushback, to which the edge adds Retry-After.
    case 'UNAVAILABLE':
      return new RekorError('UNAVAILABLE', 'the log is unavailable; retry later', { cause: error });
    // The sharded log retries a create refused by a tree frozen meanwhile on the new active shard; a create that
    // meets a frozen tree again (a second rotation at once) is told to retry, as upstream's clients are in the
    // read-only window of a rotation (which this log does not have).
    case 'TREE_FROZEN':
      return new RekorError('UNAVAILABLE', 'the log is moving to a new shard; retry later', { cause: error });
    case 'ENTRY_TOO_LARGE':
      return new RekorError('ENTRY_TOO_LARGE', 'entry too large', { cause: error });
    case 'INDEX_OUT_OF_RANGE':
    case 'SIZE_OUT_OF_RANGE':
      return new RekorError('INVALID_REQUEST', error.message, { cause: error });
    default:
      // The log's own failures (a corrupt state, a proof that failed its self-check): the client learns nothing
      // of them, the cause goes to the server's log.
      return new RekorError('INTERNAL', INTERNAL_ERROR_MESSAGE, { cause: error });
  }
}
