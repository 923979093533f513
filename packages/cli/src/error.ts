import { BaseError } from '@sigbox/core';

/** A command line that cannot run; the cli prints the message and the usage and exits 2. */
export type ConfigErrorCode =
  | 'UNKNOWN_FLAG'
  | 'BAD_FLAG'
  | 'UNKNOWN_COMMAND'
  | 'MISSING_COMMAND'
  | 'INVALID_VALUE'
  // --dev in a production-shaped start without its override (dev-guard.ts)
  | 'UNSAFE_DEV';

export class ConfigError extends BaseError<ConfigErrorCode> {}
