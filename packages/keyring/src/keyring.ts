import path from 'node:path';
import { KeyringError } from './error.js';
import { PUBLIC_FILE_MODE, readOptional, replaceFile, writeNewFile } from './files.js';
import { KEYRING_FILE, KEYRING_MEDIA_TYPE, type KeyEntry, type KeyRole, type KeyringDocument, type KeyringHsm, parseKeyring, serializeKeyring } from './layout.js';

/** A keyring as read from its folder. */
export interface Keyring {
  /** Absolute path of the folder. */
  readonly dir: string;
  readonly hsm: KeyringHsm | undefined;
  readonly keys: readonly KeyEntry[];
}

/** The keys of one role, oldest first (the order they were made in). */
export function keysOf(keyring: Pick<Keyring, 'keys'>, role: KeyRole): KeyEntry[] {
  return keyring.keys.filter((k) => k.role === role);
}

/** The newest key of a role: the one a new signature is made with. */
export function newestKey(keyring: Pick<Keyring, 'keys'>, role: KeyRole): KeyEntry {
  const key = keysOf(keyring, role).at(-1);
  if (key === undefined) throw new KeyringError('KEY_NOT_FOUND', `the keyring has no ${role} key`);
  return key;
}

export function keyNamed(keyring: Pick<Keyring, 'keys'>, name: string): KeyEntry {
  const key = keyring.keys.find((k) => k.name === name);
  if (key === undefined) throw new KeyringError('KEY_NOT_FOUND', `the keyring has no key named ${name}`);
  return key;
}

/** `<role>-<n>` with n one past the highest in use: names never repeat, so a file or label is never reused. */
export function nextKeyName(keyring: Pick<Keyring, 'keys'>, role: KeyRole): string {
  const used = keysOf(keyring, role).map((k) => Number(/-(\d+)$/.exec(k.name)?.[1] ?? 0));
  return `${role}-${Math.max(0, ...used) + 1}`;
}

/** Reads the keyring in `dir`. @throws KeyringError KEYRING_NOT_FOUND, INVALID_KEYRING */
export async function loadKeyring(dir: string): Promise<Keyring> {
  const abs = path.resolve(dir);
  const file = path.join(abs, KEYRING_FILE);
  const text = await readOptional(file);
  if (text === undefined) throw new KeyringError('KEYRING_NOT_FOUND', `no ${KEYRING_FILE} in ${abs}: make the keys with \`sigbox init --keys ${dir}\``);
  const doc = parseKeyring(text, file);
  return { dir: abs, hsm: doc.hsm, keys: doc.keys };
}

function documentOf(keyring: Pick<Keyring, 'hsm' | 'keys'>): KeyringDocument {
  return { mediaType: KEYRING_MEDIA_TYPE, ...(keyring.hsm ? { hsm: keyring.hsm } : {}), keys: keyring.keys };
}

/** Writes a new keyring.json; refuses to replace one. */
export async function createKeyringFile(dir: string, keyring: Pick<Keyring, 'hsm' | 'keys'>): Promise<void> {
  try {
    await writeNewFile(path.join(dir, KEYRING_FILE), serializeKeyring(documentOf(keyring)), PUBLIC_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyringError('KEYRING_EXISTS', `${dir} already holds a keyring; refusing to overwrite it`, { cause: err });
    throw err;
  }
}

/** Adds keys to the keyring in `dir` (re-read first, replaced atomically); returns the keyring as written. */
export async function addKeys(dir: string, added: readonly KeyEntry[]): Promise<Keyring> {
  const current = await loadKeyring(dir);
  const keys = [...current.keys, ...added];
  const file = path.join(current.dir, KEYRING_FILE);
  const doc = parseKeyring(serializeKeyring(documentOf({ hsm: current.hsm, keys })), file); // the same checks as a read
  await replaceFile(file, serializeKeyring(doc), PUBLIC_FILE_MODE);
  return { dir: current.dir, hsm: current.hsm, keys };
}
