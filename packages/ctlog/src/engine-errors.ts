import type { LogError } from '@sigbox/log';
import { CtError } from './errors.js';

/** The text of a 500: what the edge's generic answer says, so a mapped engine failure reads the same to clients. */
export const INTERNAL_ERROR_MESSAGE = 'Internal Server Error';

/** What an error of the log engine means to a CT client. */
export function ctErrorOf(error: LogError): CtError {
  // Pushback (tessera's ErrPushback), shutdown and a database that does not answer alike: the submitter retries.
  if (error.code === 'PUSHBACK' || error.code === 'CLOSED' || error.code === 'UNAVAILABLE') return new CtError('UNAVAILABLE', 'log busy; retry later', { cause: error });
  // Only a submission can be too large, and only by its certificates.
  if (error.code === 'ENTRY_TOO_LARGE') return new CtError('BAD_CHAIN', 'certificate too large', { cause: error });
  // Everything else is the log's own failure, out-of-range sizes and indices included: the read endpoints check
  // those before asking the engine. The client learns nothing of it, the cause goes to the server's log.
  return new CtError('INTERNAL', INTERNAL_ERROR_MESSAGE, { cause: error });
}
