import type { KeyObject } from 'node:crypto';
import { createNoteVerifier, openCheckpoint } from '@sigbox/merkle';
import type { TreeHead, TreeHeadVerifier } from './tree-head.js';

/** A log key and the name its signature lines carry: the log URL's hostname for Rekor v1 and v2 (v2: also the origin). */
export interface NamedLogKey {
  readonly name: string;
  readonly publicKey: KeyObject;
}

export interface CheckpointVerifierOptions {
  /** The log's keys (one, or each of a trusted root's keys for the log): one must sign. */
  readonly keys: readonly NamedLogKey[];
  /** When set, the origin must equal it (a v2 log's origin is its name). */
  readonly origin?: string;
  /**
   * Rekor v1's strict reading (every signature line must verify, as rekor's `SignedNote.Verify`); off for C2SP
   * logs, whose witness cosignatures are unknown lines to be ignored.
   */
  readonly rekorV1Strict?: boolean;
}

/**
 * A verifier for C2SP signed-note checkpoints (Rekor v1 `signedTreeHead`, tlog-tiles `checkpoint`). Throws the
 * merkle package's NoteError (INVALID_SIGNATURE, UNVERIFIED_NOTE, MALFORMED_NOTE, UNEXPECTED_ORIGIN …).
 *
 * @see https://c2sp.org/tlog-checkpoint
 */
export function createCheckpointVerifier(options: CheckpointVerifierOptions): TreeHeadVerifier {
  const verifiers = options.keys.map((k) => createNoteVerifier(k.name, k.publicKey));
  const open = { rekorV1Strict: options.rekorV1Strict ?? false, ...(options.origin === undefined ? {} : { origin: options.origin }) };
  return (served: string): TreeHead => {
    const checkpoint = openCheckpoint(served, verifiers, open);
    return { size: checkpoint.size, rootHash: checkpoint.rootHash, origin: checkpoint.origin, signed: served };
  };
}
