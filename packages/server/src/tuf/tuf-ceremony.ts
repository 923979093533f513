import { type KeyObject, createPublicKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Root } from '@tufjs/models';
import { type KeyEntry, type KeyRole, type KeySecrets, type Keyring, type OpenedKey, PUBLIC_FILE_MODE, addKeys, createKey, loadKeyring, nextKeyName, openKey, writeNewFile } from '@sigbox/keyring';
import { type RoleName, type SignedDocument, buildRoot, signRoot, toMetadata, verifyRootUpdate } from '@sigbox/tuf';
import { TufCeremonyError } from './tuf-ceremony-error.js';
import { KEYRING_ROLE, keysNamedBy, roleOf, tufKeyIdOf } from './tuf-keys.js';
import { ROOT_LIFETIME_MS, readCeremonyRoots, rootFile } from './tuf-root.js';

export interface NextRootOptions {
  /** The keyring of `sigbox init` (on the ceremony machine: the one holding the root keys). */
  readonly keysDir: string;
  readonly secrets: KeySecrets;
  /** Root keys (keyring names, e.g. `tuf-root-1`) the new root replaces, each with a fresh key. */
  readonly rotateKeys?: readonly string[];
  /** How many fresh root keys to add besides. */
  readonly addRootKeys?: number;
  /** Root keys that must sign a root from now on; default the current root's. */
  readonly threshold?: number;
  /** Default {@link ROOT_LIFETIME_MS}. */
  readonly lifetimeMs?: number;
  /** Fresh snapshot and timestamp keys: the running box re-signs both with them as soon as it serves the new root. */
  readonly rotateOnline?: boolean;
  readonly now?: Date;
}

export interface NextRoot {
  readonly doc: SignedDocument;
  readonly file: string;
  /** The keys made for it, in the keyring now. */
  readonly made: readonly KeyEntry[];
  /** The root keys that signed it (of the old root and of the new). */
  readonly signedBy: readonly string[];
}

/** The public keys `doc` names for `role`, as buildRoot takes them. */
function publicKeys(doc: SignedDocument, role: RoleName): Map<string, KeyObject> {
  const { keys } = toMetadata(doc).signed as Root;
  return new Map(roleOf(doc, role).keyIds.map((id) => [id, createPublicKey((keys[id]?.keyVal as { public: string }).public)]));
}

/** Every key in custody for a new root, named `<role>-<n>` past every name in use (this run's too). */
async function makeKeys(keyring: Keyring, plan: readonly KeyRole[], secrets: KeySecrets, made: KeyEntry[]): Promise<void> {
  for (const role of plan) {
    const name = nextKeyName({ keys: [...keyring.keys, ...made] }, role);
    made.push(await createKey(keyring.dir, keyring.hsm, { name, role, algorithm: 'ecdsa-p256', custody: keyring.hsm ? 'hsm' : 'file' }, secrets));
  }
}

/** The keyring names of the root keys to replace, checked against what the newest root names. */
function rotatedIds(keyring: Keyring, previous: SignedDocument, names: readonly string[]): Set<string> {
  const named = new Map(keysNamedBy(keyring, previous, 'root').map((k) => [k.name, tufKeyIdOf(k) as string]));
  return new Set(
    names.map((name) => {
      const id = named.get(name);
      if (id === undefined) throw new TufCeremonyError('UNKNOWN_KEY', `${name} is not a root key of root v${previous.version} in the keyring (its root keys: ${[...named.keys()].join(', ') || 'none'})`);
      return id;
    }),
  );
}

/**
 * `sigbox tuf sign-root`: root N+1 from root N (the newest in `<keys>/tuf/`), with a fresh expiry, optionally fresh
 * root keys (replacing some, adding some), a new threshold and fresh snapshot/timestamp keys; signed by every root
 * key of the keyring that root N or N+1 names, and refused unless a client would accept it (a threshold of both:
 * TUF spec §5.3.4). New keys enter keyring.json first, then `<N+1>.root.json` is written (never overwritten); the
 * running box imports it at its next round and re-signs snapshot and timestamp with the keys it names.
 */
export async function signNextRoot(options: NextRootOptions): Promise<NextRoot> {
  const keyring = await loadKeyring(options.keysDir);
  const roots = await readCeremonyRoots(keyring);
  // The chain as a client walks it: a root file dropped in by hand is not built upon unless it verifies.
  roots.forEach((root, i) => verifyRootUpdate(roots[i - 1], root));
  const previous = roots.at(-1);
  if (previous === undefined) throw new TufCeremonyError('NO_ROOT', `no ${rootFile(keyring, 1)}: make the keys with \`sigbox init\``);
  const file = rootFile(keyring, previous.version + 1);
  if (await fs.stat(file).then(() => true, () => false)) throw new TufCeremonyError('ROOT_EXISTS', `${file} exists already: the box serves it once imported`);
  const rotated = rotatedIds(keyring, previous, options.rotateKeys ?? []);
  const made: KeyEntry[] = [];
  const opened: OpenedKey[] = [];
  let recorded = false;
  try {
    const rootPlan = Array.from({ length: rotated.size + (options.addRootKeys ?? 0) }, () => 'tuf-root' as const);
    await makeKeys(keyring, [...rootPlan, ...(options.rotateOnline ? (['tuf-snapshot', 'tuf-timestamp'] as const) : [])], options.secrets, made);
    const fresh = (role: KeyRole) => made.filter((k) => k.role === role).map((k) => createPublicKey(k.publicKey));
    const keep = (role: RoleName) => [...publicKeys(previous, role).entries()].filter(([id]) => !rotated.has(id)).map(([, key]) => key);
    const online = (role: 'snapshot' | 'timestamp') => ({ keys: options.rotateOnline ? fresh(KEYRING_ROLE[role]) : keep(role), threshold: 1 });
    const now = options.now ?? new Date();
    const next = buildRoot({
      version: previous.version + 1,
      expires: new Date(now.getTime() + (options.lifetimeMs ?? ROOT_LIFETIME_MS)),
      roles: {
        root: { keys: [...keep('root'), ...fresh('tuf-root')], threshold: options.threshold ?? roleOf(previous, 'root').threshold },
        targets: { keys: keep('targets'), threshold: roleOf(previous, 'targets').threshold },
        snapshot: online('snapshot'),
        timestamp: online('timestamp'),
      },
    });
    const newDoc = { role: 'root' as const, json: next.toJSON() };
    const oldKeys = keysNamedBy(keyring, previous, 'root');
    const newKeys = keysNamedBy({ keys: [...keyring.keys, ...made] }, newDoc, 'root');
    for (const entry of new Set([...oldKeys, ...newKeys])) opened.push(await openKey(keyring.dir, keyring.hsm, entry, options.secrets));
    const signer = (entries: readonly KeyEntry[]) => opened.filter((o) => entries.includes(o.entry)).map((o) => o.signer);
    const doc = await signRoot(next, { previous, oldRootSigners: signer(oldKeys), newRootSigners: signer(newKeys) });
    await addKeys(keyring.dir, made);
    recorded = true; // in the keyring now: kept whatever happens next (a key no root names never signs)
    await writeNewFile(file, Buffer.from(doc.bytes).toString('utf8'), PUBLIC_FILE_MODE);
    return { doc, file, made, signedBy: opened.map((o) => o.entry.name) };
  } finally {
    for (const key of opened) await key.close();
    // Key files made for a root that was not signed: no keyring names them, and their names are free again.
    if (!recorded) for (const entry of made) if (entry.custody === 'file') await fs.rm(path.join(keyring.dir, entry.file), { force: true });
  }
}
