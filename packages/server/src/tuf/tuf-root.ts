import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type KeyRole, type KeySecrets, type Keyring, PUBLIC_FILE_MODE, TUF_ROOTS_DIR, ensurePrivateDir, keysOf, newestKey, openKey, readOptional, writeNewFile } from '@sigbox/keyring';
import { type SignedDocument, buildRoot, metadataPath, parseDocument, signRoot } from '@sigbox/tuf';

/**
 * A root lives a year: it is re-signed only by the offline root keys (`sigbox tuf sign-root`), so its expiry is the
 * ceremony's calendar, counted down by the server's metric and log well before it comes.
 */
export const ROOT_LIFETIME_MS = 365 * 86_400_000;

/** The public keys of the newest key of each online/offline role, as the root names them. */
function roleKeys(keyring: Keyring, role: KeyRole, count?: number) {
  const keys = role === 'tuf-root' ? keysOf(keyring, role).slice(-(count ?? 1)) : [newestKey(keyring, role)];
  return keys.map((k) => crypto.createPublicKey(k.publicKey));
}

/** `<keys>/tuf/<n>.root.json`. */
export const rootFile = (keyring: Pick<Keyring, 'dir'>, version: number) => path.join(keyring.dir, TUF_ROOTS_DIR, metadataPath('root', version));

/** Every root version the ceremony signed, oldest first (1, 2, … until the first missing). */
export async function readCeremonyRoots(keyring: Pick<Keyring, 'dir'>): Promise<SignedDocument[]> {
  const roots: SignedDocument[] = [];
  for (let version = 1; ; version++) {
    const text = await readOptional(rootFile(keyring, version));
    if (text === undefined) return roots;
    roots.push(parseDocument(Buffer.from(text), 'root'));
  }
}

export interface FirstRootOptions {
  readonly keyring: Keyring;
  readonly secrets: KeySecrets;
  /** How many root keys must sign (of every tuf-root key of the keyring). */
  readonly threshold: number;
  readonly allowPlaintext?: boolean;
  readonly now?: Date;
}

/**
 * Signs root 1 of the box's TUF repository with the keyring's root keys and writes it to `<keys>/tuf/1.root.json`
 * (mode 0644, never overwritten): the file clients are handed once (`cosign initialize --root`), and what `sigbox
 * up` publishes. Targets, snapshot and timestamp are each one key, threshold 1.
 */
export async function signFirstRoot(options: FirstRootOptions): Promise<SignedDocument> {
  const { keyring } = options;
  const rootKeys = keysOf(keyring, 'tuf-root');
  const now = options.now ?? new Date();
  const root = buildRoot({
    version: 1,
    expires: new Date(now.getTime() + ROOT_LIFETIME_MS),
    roles: {
      root: { keys: roleKeys(keyring, 'tuf-root', rootKeys.length), threshold: options.threshold },
      targets: { keys: roleKeys(keyring, 'tuf-targets'), threshold: 1 },
      snapshot: { keys: roleKeys(keyring, 'tuf-snapshot'), threshold: 1 },
      timestamp: { keys: roleKeys(keyring, 'tuf-timestamp'), threshold: 1 },
    },
  });
  const opened = [];
  try {
    for (const entry of rootKeys) opened.push(await openKey(keyring.dir, keyring.hsm, entry, options.secrets, { allowPlaintext: options.allowPlaintext ?? false }));
    const doc = await signRoot(root, { newRootSigners: opened.map((k) => k.signer) });
    await ensurePrivateDir(path.join(keyring.dir, TUF_ROOTS_DIR));
    await writeNewFile(rootFile(keyring, 1), Buffer.from(doc.bytes).toString('utf8'), PUBLIC_FILE_MODE);
    return doc;
  } finally {
    for (const key of opened) await key.close();
  }
}

/** Whether root 1 exists already (a development keyring signs it once). */
export async function hasFirstRoot(keyring: Pick<Keyring, 'dir'>): Promise<boolean> {
  return fs.access(rootFile(keyring, 1)).then(
    () => true,
    () => false,
  );
}
