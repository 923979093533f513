import { BaseError } from '@sigbox/core';

/**
 * Why a `sigbox tuf` step refused or could not run (the cli prints the message, exit 1). Failures of the keyring
 * (passphrase, token) and of @sigbox/tuf (a threshold not met) surface as their own errors.
 */
export type TufCeremonyErrorCode =
  | 'NO_ROOT' // no <keys>/tuf/1.root.json: the keyring was not made by `sigbox init`
  | 'ROOT_EXISTS' // <keys>/tuf/<N+1>.root.json exists already
  | 'UNKNOWN_KEY' // a key named on the command line is not a root key of the newest root
  | 'KEY_MISSING' // the keyring holds no key the root names for a role
  | 'NOT_STARTED' // the database has no trust history or no TUF root: start the box once first
  | 'NOTHING_CHANGED' // the published targets already list exactly these files (--force signs anyway)
  | 'DATABASE_UNAVAILABLE';

export class TufCeremonyError extends BaseError<TufCeremonyErrorCode> {}
