import path from 'node:path';
import { type LoadedCa, loadCa } from '@sigbox/ca';
import { type KeyEntry, type KeyRole, type KeySecrets, type Keyring, KeyringError, isEncrypted, keyNamed, loadKeyring, newestKey, openKey, readOptional, type OpenedKey } from '@sigbox/keyring';
import { type LoadedTsa, loadTsaChain } from './tsa-ceremony.js';

/** Where the box's keys come from and what unlocks them. */
export interface KeySource {
  readonly keyring: Keyring;
  readonly secrets: KeySecrets;
  /** `--dev`: key files in clear are read (the development keyring is made that way). */
  readonly allowPlaintext: boolean;
}

/** The roles `sigbox up` signs with (root and targets stay with the ceremony). */
export const ONLINE_ROLES: readonly KeyRole[] = ['ca', 'rekor', 'rekor-v2', 'ct', 'tsa', 'tuf-snapshot', 'tuf-timestamp'];

/**
 * The keys the running box signs with, opened once each by keyring name and closed together. The keyring is
 * re-read when asked for a name it does not know yet: `sigbox rotate` adds keys while the box runs.
 */
export interface BoxKeys {
  readonly source: KeySource;
  entry(name: string): Promise<KeyEntry>;
  newest(role: KeyRole): KeyEntry;
  signingKey(name: string): Promise<OpenedKey>;
  ca(name: string): Promise<LoadedCa>;
  /** A `tsa` key with its chain, checked (tsa-ceremony.ts). */
  tsa(name: string): Promise<LoadedTsa>;
  close(): Promise<void>;
}

/** A CA folder's issuing key in clear is refused as any other key is, outside --dev. */
async function refusePlaintextCaKey(dir: string, name: string): Promise<void> {
  const pem = await readOptional(path.join(dir, 'intermediate.key.pem'));
  if (pem !== undefined && !isEncrypted(pem)) {
    throw new KeyringError('PLAINTEXT_KEY', `the ${name} CA's issuing key (${path.join(dir, 'intermediate.key.pem')}) is in clear: only --dev reads one`);
  }
}

export function openBoxKeys(initial: KeySource): BoxKeys {
  let source = initial;
  const opened = new Map<string, Promise<OpenedKey>>();
  const cas = new Map<string, Promise<LoadedCa>>();

  async function entry(name: string): Promise<KeyEntry> {
    if (!source.keyring.keys.some((k) => k.name === name)) source = { ...source, keyring: await loadKeyring(source.keyring.dir) };
    return keyNamed(source.keyring, name);
  }

  function memo<T>(map: Map<string, Promise<T>>, name: string, open: () => Promise<T>): Promise<T> {
    let found = map.get(name);
    if (found === undefined) {
      found = open();
      map.set(name, found);
      // A failed open is not kept: the next call tries again (a token plugged back in, a fixed passphrase file).
      found.catch(() => map.delete(name));
    }
    return found;
  }

  const signingKey = (name: string) =>
    memo(opened, name, async () => openKey(source.keyring.dir, source.keyring.hsm, await entry(name), source.secrets, { allowPlaintext: source.allowPlaintext }));

  return {
    get source() {
      return source;
    },
    entry,
    newest: (role) => newestKey(source.keyring, role),
    signingKey,
    ca: (name) =>
      memo(cas, name, async () => {
        const key = await entry(name);
        if (key.custody !== 'ca-dir') throw new KeyringError('INVALID_KEYRING', `${name} is not a CA folder`);
        const dir = path.resolve(source.keyring.dir, key.dir);
        if (!source.allowPlaintext) await refusePlaintextCaKey(dir, name);
        return loadCa({ dir, passphrase: source.secrets.passphrase, pin: source.secrets.pin });
      }),
    tsa: async (name) => {
      const key = await signingKey(name);
      if (key.entry.role !== 'tsa') throw new KeyringError('INVALID_KEYRING', `${name} is not a TSA key`);
      return loadTsaChain(source.keyring.dir, key);
    },
    async close() {
      const all = [...opened.values(), ...cas.values()];
      opened.clear();
      cas.clear();
      for (const key of await Promise.allSettled(all)) if (key.status === 'fulfilled') await key.value.close();
    },
  };
}

/**
 * Opens the newest key of every online role once, before anything is written: a wrong passphrase, a missing
 * token or a key in clear stops the start with one line, and no data folder or database is touched.
 */
export async function preflightKeys(keys: BoxKeys): Promise<void> {
  for (const role of ONLINE_ROLES) {
    const hasRole = keys.source.keyring.keys.some((k) => k.role === role);
    if (!hasRole) continue;
    const entry = keys.newest(role);
    if (role === 'ca') await keys.ca(entry.name);
    else if (role === 'tsa') await keys.tsa(entry.name);
    else await keys.signingKey(entry.name);
  }
}
