import type { LogError } from '@sigbox/log';
import { CtError } from './errors.js';

/** The text of a 500: what the edge's generic answer says, so a mapped engine failure reads the same to clients. */
export const INTERNAL_ERROR_MESSAGE = 'Internal Server Error';

/**
 * What an error of the log engine means to a CT client. Every engine code is placed here (the switch is
 * exhaustive), so a new one cannot reach the edge unanswered.
 */
export function ctErrorOf(error: LogError): CtError {
  switch (error.code) {
    // tessera's ErrPushback: the submitter retries.
    case 'PUSHBACK':
    case 'CLOSED':
      return new CtError('UNAVAILABLE', 'log busy; retry later', { cause: error });
    // Only a submission can be too large, and only by its certificates.
    case 'ENTRY_TOO_LARGE':
      return new CtError('BAD_CHAIN', 'certificate too large', { cause: error });
    // The read endpoints check sizes and indices before asking the engine: out of range there is the log's own fault.
    case 'INDEX_OUT_OF_RANGE':
    case 'SIZE_OUT_OF_RANGE':
    case 'TREE_CONFLICT':
    case 'CORRUPT_STATE':
    case 'PROOF_SELF_CHECK_FAILED':
      return new CtError('INTERNAL', INTERNAL_ERROR_MESSAGE, { cause: error });
  }
}
