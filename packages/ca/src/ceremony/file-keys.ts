import crypto, { type KeyObject } from 'node:crypto';
import { CoreError, type KeyAlgorithm, generatePrivateKey, parsePrivateKey, privateKeyToPem } from '@sigbox/core';
import { isEncrypted } from '@sigbox/keyring';
import { CeremonyError } from './error.js';
import { readOptional, writeNewFile } from './files.js';
import { KEY_FILE_MODE } from './layout.js';

/**
 * Key types a Sigbox CA is made with: one algorithm for root and intermediate (fulcio
 * docs/certificate-specification.md: not ECDSA under RSA or the reverse, as some clients cannot verify that).
 */
export type CaKeyAlgorithm = Extract<KeyAlgorithm, 'ecdsa-p256' | 'ecdsa-p384' | 'rsa'>;
export const CA_KEY_ALGORITHMS: readonly CaKeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'rsa'];
/**
 * fulcio docs/certificate-specification.md (v1.8.8) recommends "ECDSA NIST P-384 (secp384r1) or stronger, or RSA-4096"
 * for root and intermediate keys.
 */
export const DEFAULT_CA_KEY_ALGORITHM: CaKeyAlgorithm = 'ecdsa-p384';
export const CA_RSA_BITS = 4096;

/** A fresh CA private key (RSA at 4096 bits, not core's 3072 leaf-sized default). */
export function generateCaKey(algorithm: CaKeyAlgorithm): KeyObject {
  if (algorithm === 'rsa') return crypto.generateKeyPairSync('rsa', { modulusLength: CA_RSA_BITS }).privateKey;
  return generatePrivateKey(algorithm);
}

/** Writes a key as PKCS#8 PEM, mode 0600, `ENCRYPTED PRIVATE KEY` (AES-256-CBC, PBES2) with a passphrase. */
export async function writeKeyFile(file: string, key: KeyObject, passphrase: string | undefined): Promise<void> {
  if (passphrase === '') throw new CeremonyError('INVALID_OPTIONS', 'the key passphrase must not be empty');
  await writeNewFile(file, privateKeyToPem(key, passphrase), KEY_FILE_MODE);
}

/**
 * Reads a key file, or undefined when absent; typed errors for a missing or wrong passphrase. Encrypted means PKCS#8
 * encrypted (what Sigbox writes) or the legacy OpenSSL header fulcio's fileca also reads (sigstore/sigstore
 * pkg/cryptoutils/privatekey.go `UnmarshalPEMToPrivateKey`, v1.10.8 in fulcio v1.8.8): the keyring's test.
 */
export async function readKeyFile(file: string, passphrase: string | undefined): Promise<KeyObject | undefined> {
  const pem = await readOptional(file);
  if (pem === undefined) return undefined;
  const encrypted = isEncrypted(pem);
  if (encrypted && passphrase === undefined) throw new CeremonyError('PASSPHRASE_REQUIRED', `${file} is encrypted: a passphrase is required`);
  try {
    return parsePrivateKey(pem, passphrase);
  } catch (cause) {
    if (!(cause instanceof CoreError)) throw cause;
    if (encrypted) throw new CeremonyError('BAD_PASSPHRASE', `${file} cannot be decrypted with the passphrase given`, { cause });
    throw new CeremonyError('INVALID_CA', `${file} is not a usable private key`, { cause });
  }
}
