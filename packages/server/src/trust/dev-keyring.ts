import path from 'node:path';
import { ensureDevCa } from '@sigbox/ca';
import { type KeyAlgorithm, keyAlgorithm, loadOrCreatePrivateKey } from '@sigbox/core';
import { type KeyEntry, type KeyRole, type Keyring, KeyringError, addKeys, createKeyringFile, ensurePrivateDir, loadKeyring, publicKeyPem } from '@sigbox/keyring';

/** The development keyring's folder in the data folder: beside the development CA and the dev issuer's key. */
export const DEV_KEYS_DIR = 'keys';
/** The development CA's folder inside the data folder. */
export const DEV_CA_DIR = 'ca';

/** The Rekor v2 checkpoint key: Ed25519, the key type witnesses accept (C2SP tlog-tiles). */
const REKOR_V2_DEV_KEY = { name: 'rekor-v2-1', role: 'rekor-v2', file: 'rekor-v2-log.pem', algorithm: 'ed25519' } as const;

/**
 * Key files of the development keyring. The log keys keep the names earlier versions created, so a data
 * folder made before the keyring existed keeps its logs' keys.
 */
const DEV_KEY_FILES: ReadonlyArray<{ name: string; role: KeyRole; file: string; algorithm?: KeyAlgorithm }> = [
  { name: 'rekor-1', role: 'rekor', file: 'rekor-log.pem' },
  REKOR_V2_DEV_KEY,
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
    return await withRekorV2Key(await loadKeyring(dir));
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
  for (const { name, role, file, algorithm } of DEV_KEY_FILES) {
    keys.push(await devKeyEntry({ name, role, file, algorithm }, dir, createdAt));
  }
  try {
    await createKeyringFile(dir, { hsm: undefined, keys });
  } catch (err) {
    if (!(err instanceof KeyringError && err.code === 'KEYRING_EXISTS')) throw err;
  }
  return loadKeyring(dir);
}

async function devKeyEntry(spec: { name: string; role: KeyRole; file: string; algorithm?: KeyAlgorithm | undefined }, dir: string, createdAt: string): Promise<KeyEntry> {
  const key = await loadOrCreatePrivateKey(path.join(dir, spec.file), spec.algorithm ?? DEV_KEY_ALGORITHM);
  return { name: spec.name, role: spec.role, algorithm: keyAlgorithm(key), publicKey: publicKeyPem(key), createdAt, custody: 'file', file: spec.file };
}

/**
 * A development keyring made before Rekor v2 gains its key on the next start (the file is created exclusively, so
 * processes starting together agree on it; the keyring is re-read before it is rewritten).
 */
async function withRekorV2Key(keyring: Keyring): Promise<Keyring> {
  if (keyring.keys.some((k) => k.role === 'rekor-v2')) return keyring;
  const entry = await devKeyEntry(REKOR_V2_DEV_KEY, keyring.dir, new Date().toISOString());
  const current = await loadKeyring(keyring.dir);
  return current.keys.some((k) => k.role === 'rekor-v2') ? current : addKeys(keyring.dir, [entry]);
}
