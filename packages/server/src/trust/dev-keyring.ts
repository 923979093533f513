import path from 'node:path';
import { ensureDevCa } from '@sigbox/ca';
import { type KeyAlgorithm, keyAlgorithm, loadOrCreatePrivateKey } from '@sigbox/core';
import { type KeyEntry, type KeyRole, type Keyring, KeyringError, createKeyringFile, ensurePrivateDir, loadKeyring, publicKeyPem } from '@sigbox/keyring';

/** The development keyring's folder in the data folder: beside the development CA and the dev issuer's key. */
export const DEV_KEYS_DIR = 'keys';
/** The development CA's folder inside the data folder. */
export const DEV_CA_DIR = 'ca';

/**
 * Key files of the development keyring. The log keys keep the names earlier versions created, so a data
 * folder made before the keyring existed keeps its logs' keys.
 */
const DEV_KEY_FILES: ReadonlyArray<{ name: string; role: KeyRole; file: string }> = [
  { name: 'rekor-1', role: 'rekor', file: 'rekor-log.pem' },
  { name: 'ct-1', role: 'ct', file: 'ct-log.pem' },
  { name: 'tuf-root-1', role: 'tuf-root', file: 'tuf-root-1.key.pem' },
  { name: 'tuf-targets-1', role: 'tuf-targets', file: 'tuf-targets-1.key.pem' },
  { name: 'tuf-snapshot-1', role: 'tuf-snapshot', file: 'tuf-snapshot-1.key.pem' },
  { name: 'tuf-timestamp-1', role: 'tuf-timestamp', file: 'tuf-timestamp-1.key.pem' },
];
const DEV_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

/**
 * `--dev`'s zero-setup keyring in `<data>/keys`: every key in clear (mode 0600), made on first start and kept.
 * Processes starting together on one data folder agree: each key file is created exclusively (the loser reads
 * the winner's), and so is keyring.json.
 */
export async function ensureDevKeyring(dataDir: string): Promise<Keyring> {
  const dir = path.join(dataDir, DEV_KEYS_DIR);
  try {
    return await loadKeyring(dir);
  } catch (err) {
    if (!(err instanceof KeyringError && err.code === 'KEYRING_NOT_FOUND')) throw err;
  }
  await ensurePrivateDir(dir);
  const createdAt = new Date().toISOString();
  const ca = await ensureDevCa({ dir: path.join(dataDir, DEV_CA_DIR) });
  await ca.close();
  const keys: KeyEntry[] = [
    { name: 'ca-1', role: 'ca', algorithm: ca.signer.algorithm, publicKey: publicKeyPem(ca.signer.publicKey), createdAt, custody: 'ca-dir', dir: path.join('..', DEV_CA_DIR) },
  ];
  for (const { name, role, file } of DEV_KEY_FILES) {
    const key = await loadOrCreatePrivateKey(path.join(dir, file), DEV_KEY_ALGORITHM);
    keys.push({ name, role, algorithm: keyAlgorithm(key), publicKey: publicKeyPem(key), createdAt, custody: 'file', file });
  }
  try {
    await createKeyringFile(dir, { hsm: undefined, keys });
  } catch (err) {
    if (!(err instanceof KeyringError && err.code === 'KEYRING_EXISTS')) throw err;
  }
  return loadKeyring(dir);
}
