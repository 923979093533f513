import { createPublicKey } from 'node:crypto';
import type { Root } from '@tufjs/models';
import { type KeyEntry, type KeyRole, type Keyring, keysOf } from '@sigbox/keyring';
import { type RoleName, type SignedDocument, toMetadata, tufKey } from '@sigbox/tuf';

/** The keyring role of each TUF role. */
export const KEYRING_ROLE: Readonly<Record<RoleName, KeyRole>> = { root: 'tuf-root', targets: 'tuf-targets', snapshot: 'tuf-snapshot', timestamp: 'tuf-timestamp' };

/** The key IDs a root names for `role`, and its threshold. */
export function roleOf(root: Pick<SignedDocument, 'role' | 'json'>, role: RoleName): { keyIds: readonly string[]; threshold: number } {
  const signed = toMetadata(root).signed as Root;
  const found = signed.roles[role];
  return { keyIds: found?.keyIDs ?? [], threshold: found?.threshold ?? 1 };
}

/** A keyring entry's TUF key ID (hex SHA-256 of its TUF key object; undefined for a key TUF cannot name). */
export function tufKeyIdOf(entry: Pick<KeyEntry, 'publicKey'>): string | undefined {
  try {
    return tufKey(createPublicKey(entry.publicKey)).keyId;
  } catch {
    return undefined;
  }
}

/**
 * The keyring's keys that `root` names for `role`, oldest first. Not "the newest key of the role": a key made for a
 * root not yet published (`sigbox tuf sign-root --rotate-online` writes keyring.json first) must not sign before
 * that root is served, or clients holding the current root refuse what it signed.
 */
export function keysNamedBy(keyring: Pick<Keyring, 'keys'>, root: Pick<SignedDocument, 'role' | 'json'>, role: RoleName): KeyEntry[] {
  const ids = new Set(roleOf(root, role).keyIds);
  return keysOf(keyring, KEYRING_ROLE[role]).filter((k) => ids.has(tufKeyIdOf(k) ?? ''));
}
