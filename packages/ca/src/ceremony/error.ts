import { BaseError } from '@sigbox/core';

/**
 * Why a CA directory could not be created, completed or loaded. Messages name files and labels, never a
 * passphrase or PIN. Token failures (wrong PIN, missing token) surface as `Pkcs11Error` from @sigbox/pkcs11.
 */
export type CeremonyErrorCode =
  | 'CA_EXISTS' // refusing to overwrite: the directory already holds a CA (or a pending CSR)
  | 'CA_NOT_FOUND' // no chain.pem: run `sigbox ca init`, or finish the CSR flow with `sigbox ca import`
  | 'CSR_NOT_FOUND' // import without the intermediate.csr.pem of `sigbox ca csr`
  | 'PASSPHRASE_REQUIRED' // the key file is encrypted and no passphrase was given
  | 'PIN_REQUIRED' // the intermediate key is in an HSM and no PIN was given
  | 'BAD_PASSPHRASE' // the key file cannot be decrypted / parsed with the passphrase given
  | 'INVALID_CA' // files present but not a usable CA: chain does not validate, key mismatch, bad hsm.json
  | 'INVALID_OPTIONS'; // options that cannot make a valid CA (validity, empty names)

export class CeremonyError extends BaseError<CeremonyErrorCode> {}
