import { BaseError } from '@sigbox/core';

/**
 * Why a PKCS#11 key could not be opened, made or used. `details.ckr` carries the token's return value name
 * (`CKR_PIN_INCORRECT`, …) when the token gave one. Messages never contain the PIN.
 */
export type Pkcs11ErrorCode =
  | 'MODULE_LOAD_FAILED' // pkcs11js or the PKCS#11 library cannot be loaded or initialised
  | 'TOKEN_NOT_FOUND' // no token with that label / slot
  | 'BAD_PIN' // the token refused the user PIN
  | 'KEY_NOT_FOUND' // no private key (or no matching public key object) with that label / id
  | 'KEY_AMBIGUOUS' // several private keys match: refuse to guess which one signs certificates
  | 'KEY_EXISTS' // generation refused: a key with that label or id is already in the token
  | 'KEY_EXTRACTABLE' // the private key could leave the token (CKA_EXTRACTABLE or not CKA_SENSITIVE)
  | 'KEY_MISMATCH' // the private key does not sign for the public key object beside it
  | 'UNSUPPORTED_KEY' // a key type or curve Sigbox does not sign with
  | 'SIGNER_CLOSED' // sign() after close()
  | 'DEVICE_ERROR'; // any other failure the token reported

export class Pkcs11Error extends BaseError<Pkcs11ErrorCode> {}

/** The `CKR_*` name pkcs11js puts in its error message, if the failure came from the token. */
export function ckrName(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : '';
  return /^CKR_[A-Z0-9_]+$/.test(message) ? message : undefined;
}

/** Wraps a token failure as `code`, keeping the CKR name for logs and the original error as cause. */
export function tokenError(code: Pkcs11ErrorCode, message: string, cause: unknown): Pkcs11Error {
  const ckr = ckrName(cause);
  return new Pkcs11Error(code, ckr ? `${message} (${ckr})` : message, { cause, details: ckr ? { ckr } : {} });
}
