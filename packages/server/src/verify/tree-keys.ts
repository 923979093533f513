import { bytesEqual } from '@sigbox/core';
import { type NoteVerifier, createNoteVerifier, noteKeyId, parseSignedNote } from '@sigbox/merkle';
import type { TrustedLogKey } from './trusted-log-keys.js';

export interface TreeKey {
  /** Verifiers for the tree's checkpoints: each signature line's name with the trusted key its hint names. */
  readonly verifiers: NoteVerifier[];
  readonly keys: readonly TrustedLogKey[];
  /** Why no key could be used, when none could. */
  readonly problem?: string;
}

/** The key ID a trusted key has under a note key name, or undefined for a key that cannot sign notes (RSA). */
function keyIdUnder(name: string, key: TrustedLogKey): Uint8Array | undefined {
  try {
    return noteKeyId(name, key.publicKey);
  } catch {
    return undefined;
  }
}

/**
 * Finds a tree's key in the trust material from one of its signed checkpoints: each signature line names a key
 * (name + 4-byte hint: for ECDSA the start of SHA-256(SPKI), the log ID; for Ed25519 of the C2SP key ID under that
 * name), and the trusted key with that hint verifies it. When the database recorded the tree's key at its first
 * start (`<kind>.tree.<id>.logId`, server log-setup.ts), only that key counts: a trusted root that lists another
 * log's key with a colliding hint must not vouch for this tree.
 */
export function findTreeKey(note: string, trusted: readonly TrustedLogKey[], boundLogId: string | undefined): TreeKey {
  let signatures;
  try {
    signatures = parseSignedNote(note).signatures;
  } catch (err) {
    return { verifiers: [], keys: [], problem: `its latest checkpoint is not a signed note (${(err as Error).message})` };
  }
  const candidates = boundLogId === undefined ? trusted : trusted.filter((k) => k.logId === boundLogId);
  if (candidates.length === 0) return { verifiers: [], keys: [], problem: `its key (log ID ${boundLogId}, recorded at its first start) is not in the trusted root` };
  const verifiers: NoteVerifier[] = [];
  const keys: TrustedLogKey[] = [];
  for (const sig of signatures) {
    for (const key of candidates) {
      const keyId = keyIdUnder(sig.name, key);
      if (keyId === undefined || !bytesEqual(keyId.subarray(0, sig.keyHint.length), sig.keyHint)) continue;
      verifiers.push(createNoteVerifier(sig.name, key.publicKey));
      if (!keys.includes(key)) keys.push(key);
    }
  }
  if (verifiers.length === 0) {
    const names = signatures.map((s) => s.name).join(', ');
    return { verifiers, keys, problem: `no key in the trusted root matches its checkpoint signatures (${names || 'none'})` };
  }
  return { verifiers, keys };
}
