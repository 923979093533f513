import { BaseError } from '@sigbox/core';

/** What the monitor refuses or fails at, as opposed to what it alerts on (a log misbehaving is an alert, not an error). */
export type MonitorErrorCode =
  /** A log key that cannot be used, or no key for the log at all. */
  | 'INVALID_KEY'
  /** The log could not be reached or answered with an HTTP status that is not data (5xx, 404 for a tile in range). */
  | 'LOG_UNAVAILABLE'
  /** The log answered, but not in its API's shape (a checkpoint that does not parse, a tile of the wrong size). */
  | 'INVALID_RESPONSE'
  /** A state file or row that does not parse, or that belongs to another log. */
  | 'INVALID_STATE'
  /** The webhook outbox cannot be read or written. */
  | 'OUTBOX_FAILED'
  /** A registry could not be read for the unsigned-image check. */
  | 'REGISTRY_FAILED';

export class MonitorError extends BaseError<MonitorErrorCode> {}
