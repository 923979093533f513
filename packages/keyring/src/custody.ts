import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { CoreError, type KeyAlgorithm, type Signer, createKeySigner, fromPem, generatePrivateKey, parsePrivateKey, privateKeyToPem, spkiDer, toPem } from '@sigbox/core';
import { type Pkcs11KeyAlgorithm, generatePkcs11Key, openPkcs11Signer } from '@sigbox/pkcs11';
import { KeyringError } from './error.js';
import { KEY_FILE_MODE, readOptional, writeNewFile } from './files.js';
import { type KeyEntry, type KeyRole, type KeyringHsm, checkKeyName } from './layout.js';

/** What unlocks the keys: a passphrase for key files, a PIN for the token. Never stored, never logged. */
export interface KeySecrets {
  readonly passphrase?: string | undefined;
  readonly pin?: string | undefined;
}

export interface CustodyOptions {
  /** `--dev` only: key files may be written and read in clear. */
  readonly allowPlaintext?: boolean;
}

/** A key ready to sign. */
export interface OpenedKey {
  readonly entry: KeyEntry;
  readonly signer: Signer;
  /**
   * The private key in this process's memory (file keys only): a log's writer thread can sign with it too. An HSM
   * key has none and signs on the thread that opened it.
   */
  readonly privateKey?: KeyObject;
  /** Ends the HSM session (a no-op for file keys). */
  close(): Promise<void>;
}

export const keyFileName = (name: string) => `${name}.key.pem`;

/** PKCS#8 encrypted (what Sigbox writes) and the legacy OpenSSL header some tools write. */
export const isEncrypted = (pem: string) => pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || pem.includes('Proc-Type: 4,ENCRYPTED');

/** The SPKI PEM of a public key, as the keyring records it. */
export const publicKeyPem = (key: KeyObject): string => toPem('PUBLIC KEY', spkiDer(key));

function sameKey(entry: KeyEntry, publicKey: KeyObject): boolean {
  return Buffer.from(fromPem(entry.publicKey, 'PUBLIC KEY')).equals(Buffer.from(spkiDer(publicKey)));
}

/** Reads and decrypts a key file, refusing a key in clear unless allowed. */
export async function readKeyFile(file: string, secrets: KeySecrets, options: CustodyOptions = {}): Promise<KeyObject> {
  const pem = await readOptional(file);
  if (pem === undefined) throw new KeyringError('KEY_NOT_FOUND', `${file} does not exist`);
  const encrypted = isEncrypted(pem);
  if (!encrypted && options.allowPlaintext !== true) throw new KeyringError('PLAINTEXT_KEY', `${file} holds a private key in clear: only --dev reads one (encrypt it, or make the keys with \`sigbox init\`)`);
  if (encrypted && secrets.passphrase === undefined) throw new KeyringError('PASSPHRASE_REQUIRED', `${file} is encrypted: give its passphrase (SIGBOX_KEY_PASSPHRASE or --passphrase-file)`);
  try {
    return parsePrivateKey(pem, encrypted ? secrets.passphrase : undefined);
  } catch (cause) {
    if (!(cause instanceof CoreError)) throw cause;
    if (encrypted) throw new KeyringError('BAD_PASSPHRASE', `${file} cannot be decrypted with the passphrase given`, { cause });
    throw new KeyringError('INVALID_KEYRING', `${file} is not a usable private key`, { cause });
  }
}

/** Writes a new key file (never over an existing one), encrypted unless plaintext is allowed and no passphrase given. */
export async function writeKeyFile(file: string, key: KeyObject, secrets: KeySecrets, options: CustodyOptions = {}): Promise<void> {
  if (secrets.passphrase === '') throw new KeyringError('INVALID_OPTIONS', 'the key passphrase must not be empty');
  if (secrets.passphrase === undefined && options.allowPlaintext !== true) throw new KeyringError('PASSPHRASE_REQUIRED', `a passphrase is needed to write ${file} encrypted`);
  try {
    await writeNewFile(file, privateKeyToPem(key, secrets.passphrase), KEY_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyringError('KEYRING_EXISTS', `${file} already exists; refusing to overwrite it`, { cause: err });
    throw err;
  }
}

function requirePin(secrets: KeySecrets, what: string): string {
  if (secrets.pin === undefined) throw new KeyringError('PIN_REQUIRED', `${what} is in an HSM: give its PIN (SIGBOX_HSM_PIN or --pin-file)`);
  return secrets.pin;
}

/**
 * Opens a key of the keyring in `dir` for signing and checks it is the key the keyring recorded, so a swapped
 * file or label fails here rather than in every signature.
 *
 * @throws KeyringError PLAINTEXT_KEY, PASSPHRASE_REQUIRED, BAD_PASSPHRASE, PIN_REQUIRED, KEY_MISMATCH; Pkcs11Error from the token
 */
export async function openKey(dir: string, hsm: KeyringHsm | undefined, entry: KeyEntry, secrets: KeySecrets, options: CustodyOptions = {}): Promise<OpenedKey> {
  if (entry.custody === 'ca-dir') throw new KeyringError('INVALID_OPTIONS', `${entry.name} is a CA folder: open it with the CA's loader`);
  if (entry.custody === 'file') {
    const privateKey = await readKeyFile(path.join(dir, entry.file), secrets, options);
    const signer = createKeySigner(privateKey);
    if (!sameKey(entry, signer.publicKey)) throw new KeyringError('KEY_MISMATCH', `${entry.file} is not the ${entry.name} key keyring.json records`);
    return { entry, signer, privateKey, close: () => Promise.resolve() };
  }
  if (hsm === undefined) throw new KeyringError('INVALID_KEYRING', `${entry.name} is an HSM key but the keyring names no token`);
  const signer = await openPkcs11Signer({ module: hsm.module, tokenLabel: hsm.tokenLabel, pin: requirePin(secrets, entry.name), keyLabel: entry.label });
  if (!sameKey(entry, signer.publicKey)) {
    await signer.close();
    throw new KeyringError('KEY_MISMATCH', `the token's key labelled ${entry.label} is not the ${entry.name} key keyring.json records`);
  }
  return { entry, signer, close: () => signer.close() };
}

export interface NewKeySpec {
  readonly name: string;
  readonly role: KeyRole;
  readonly algorithm: KeyAlgorithm;
  /** In the keyring's token (it must name one), or an encrypted file in the keyring folder. */
  readonly custody: 'file' | 'hsm';
}

/** HSM labels carry a prefix so a shared token shows whose keys they are. */
export const hsmLabel = (name: string) => `sigbox-${name}`;

/**
 * Makes a new key in custody: generated inside the token (never extractable), or generated here and written
 * encrypted (0600) into `dir`. Returns the keyring entry to record; keyring.json itself is the caller's.
 */
export async function createKey(dir: string, hsm: KeyringHsm | undefined, spec: NewKeySpec, secrets: KeySecrets, options: CustodyOptions = {}): Promise<KeyEntry> {
  checkKeyName(spec.name);
  const createdAt = new Date().toISOString();
  const common = { name: spec.name, role: spec.role, algorithm: spec.algorithm, createdAt };
  if (spec.custody === 'file') {
    const key = generatePrivateKey(spec.algorithm);
    const file = keyFileName(spec.name);
    await writeKeyFile(path.join(dir, file), key, secrets, options);
    return { ...common, custody: 'file', file, publicKey: publicKeyPem(key) };
  }
  if (hsm === undefined) throw new KeyringError('INVALID_OPTIONS', 'an HSM key needs the keyring to name a token');
  const label = hsmLabel(spec.name);
  const generated = await generatePkcs11Key({ module: hsm.module, tokenLabel: hsm.tokenLabel, pin: requirePin(secrets, spec.name), keyLabel: label, algorithm: spec.algorithm as Pkcs11KeyAlgorithm });
  return { ...common, custody: 'hsm', label, publicKey: publicKeyPem(generated.publicKey) };
}
