import { BaseError } from '@sigbox/core';

/** Why {@link startServer} could not start; the cli prints the message and exits 1. */
export type StartErrorCode = 'DATA_DIR_UNUSABLE' | 'DATABASE_UNAVAILABLE' | 'LISTEN_FAILED' | 'KEY_UNUSABLE' | 'CONFIG_UNUSABLE';

export class StartError extends BaseError<StartErrorCode> {}

/** Why {@link verifyBox} could not run its checks at all (as opposed to checks that found problems); exit 1. */
export type VerifyErrorCode = 'TRUSTED_ROOT_UNUSABLE' | 'DATABASE_UNAVAILABLE';

export class VerifyError extends BaseError<VerifyErrorCode> {}
