import { BaseError } from '@sigbox/core';

/**
 * Why a keyring could not be made, read or used. Messages name files, roles and labels, never a passphrase or PIN.
 * Token failures (wrong PIN, missing token or key) surface as `Pkcs11Error` from @sigbox/pkcs11.
 */
export type KeyringErrorCode =
  | 'KEYRING_NOT_FOUND' // no keyring.json in the folder: run `sigbox init`
  | 'KEYRING_EXISTS' // refusing to overwrite a keyring, a key file or a key label
  | 'INVALID_KEYRING' // keyring.json is not a keyring this version reads
  | 'KEY_NOT_FOUND' // no key of that name or role in the keyring
  | 'PASSPHRASE_REQUIRED' // a key file is encrypted and no passphrase was given
  | 'BAD_PASSPHRASE' // the key file cannot be decrypted with the passphrase given
  | 'PLAINTEXT_KEY' // a private key in clear, outside --dev
  | 'PIN_REQUIRED' // the key is in an HSM and no PIN was given
  | 'KEY_MISMATCH' // the private key does not match the public key the keyring recorded
  | 'INVALID_OPTIONS'; // options no keyring can be made with

export class KeyringError extends BaseError<KeyringErrorCode> {}
