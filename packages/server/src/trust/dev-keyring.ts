import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { ensureDevCa } from '@sigbox/ca';
import { type KeyAlgorithm, keyAlgorithm, loadOrCreatePrivateKey } from '@sigbox/core';
import { type KeyEntry, type KeyRole, type Keyring, KeyringError, addKeys, createKeyringFile, ensurePrivateDir, keysOf, loadKeyring, publicKeyPem } from '@sigbox/keyring';
import { writeTsaChain } from './tsa-ceremony.js';

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
/** The development TSA's leaf key; its chain is `tsa-1.chain.pem` (tsa-ceremony.ts). */
const DEV_TSA = { name: 'tsa-1', file: 'tsa.pem' } as const;

/** The development TSA key and its chain, made once (exclusively, like every development key). */
async function devTsaKey(dir: string, createdAt: string): Promise<KeyEntry> {
  const key = await loadOrCreatePrivateKey(path.join(dir, DEV_TSA.file), DEV_KEY_ALGORITHM);
  const entry: KeyEntry = { name: DEV_TSA.name, role: 'tsa', algorithm: keyAlgorithm(key), publicKey: publicKeyPem(key), createdAt, custody: 'file', file: DEV_TSA.file };
  await writeTsaChain(dir, entry, createPublicKey(key), 'sigbox dev');
  return entry;
}

/**
 * A development keyring made before a role existed (the TSA, Rekor v2) gains its key on the next start. Each key
 * file is created exclusively, so processes starting together agree on it; the keyring is re-read before it is
 * rewritten, and the second process finds the key present.
 */
async function withDevKey(keyring: Keyring, role: KeyRole, make: (dir: string, createdAt: string) => Promise<KeyEntry>): Promise<Keyring> {
  if (keysOf(keyring, role).length > 0) return keyring;
  const entry = await make(keyring.dir, new Date().toISOString());
  const current = await loadKeyring(keyring.dir);
  return keysOf(current, role).length > 0 ? current : addKeys(keyring.dir, [entry]);
}

/** Every role a development keyring made by an older version may lack. */
async function withLaterRoles(keyring: Keyring): Promise<Keyring> {
  const withV2 = await withDevKey(keyring, 'rekor-v2', (dir, createdAt) => devKeyEntry(REKOR_V2_DEV_KEY, dir, createdAt));
  return withDevKey(withV2, 'tsa', devTsaKey);
}

/**
 * `--dev`'s zero-setup keyring in `<data>/keys`: every key in clear (mode 0600), made on first start and kept.
 * Processes starting together on one data folder agree: each key file is created exclusively (the loser reads
 * the winner's), and so is keyring.json.
 */
export async function ensureDevKeyring(dataDir: string): Promise<Keyring> {
  const dir = path.join(dataDir, DEV_KEYS_DIR);
  try {
    return await withLaterRoles(await loadKeyring(dir));
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
  keys.push(await devTsaKey(dir, createdAt));
  try {
    await createKeyringFile(dir, { hsm: undefined, keys });
  } catch (err) {
    if (!(err instanceof KeyringError && err.code === 'KEYRING_EXISTS')) throw err;
  }
  return withLaterRoles(await loadKeyring(dir));
}

async function devKeyEntry(spec: { name: string; role: KeyRole; file: string; algorithm?: KeyAlgorithm | undefined }, dir: string, createdAt: string): Promise<KeyEntry> {
  const key = await loadOrCreatePrivateKey(path.join(dir, spec.file), spec.algorithm ?? DEV_KEY_ALGORITHM);
  return { name: spec.name, role: spec.role, algorithm: keyAlgorithm(key), publicKey: publicKeyPem(key), createdAt, custody: 'file', file: spec.file };
}

