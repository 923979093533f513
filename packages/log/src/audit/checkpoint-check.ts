import { bytesEqual, encoding } from '@sigbox/core';
import { type NoteVerifier, openCheckpoint, parseCheckpoint } from '@sigbox/merkle';
import type { AuditProblem } from './audit-types.js';

export interface StoredCheckpoint {
  readonly size: bigint;
  /** The root the row stores beside the note (absent for a note alone). */
  readonly rootHash?: Uint8Array;
  readonly note: string;
}

type Problem = Omit<AuditProblem, 'tree'>;

const hex = encoding.toHex;
const sameHash = bytesEqual;

/**
 * Checks one stored checkpoint against the root rebuilt at its size: the note must parse, name the tree's origin and
 * the row's size, carry the rebuilt root (as must the row), and — given verifiers — verify under them (C2SP
 * signed-note: a known key that fails rejects the note). Returns the problems and whether a signature was verified.
 */
export function checkCheckpoint(stored: StoredCheckpoint, origin: string, root: Uint8Array, verifiers: readonly NoteVerifier[]): { problems: Problem[]; verified: boolean } {
  const size = stored.size;
  const problems: Problem[] = [];
  if (stored.rootHash !== undefined && !sameHash(stored.rootHash, root)) {
    problems.push({ code: 'ROOT_MISMATCH', size, message: `checkpoint at size ${size}: stored root ${hex(stored.rootHash)}, entries give ${hex(root)}` });
  }
  let body;
  try {
    body = verifiers.length > 0 ? openCheckpoint(stored.note, verifiers, { origin }) : parseCheckpoint(stored.note);
  } catch (err) {
    problems.push({ code: 'CHECKPOINT_INVALID', size, message: `checkpoint note at size ${size}: ${(err as Error).message}` });
    return { problems, verified: false };
  }
  if (body.origin !== origin) problems.push({ code: 'CHECKPOINT_INVALID', size, message: `checkpoint note at size ${size} names origin ${JSON.stringify(body.origin)}, not ${JSON.stringify(origin)}` });
  if (body.size !== size) problems.push({ code: 'CHECKPOINT_INVALID', size, message: `checkpoint note stored at size ${size} says size ${body.size}` });
  if (!sameHash(body.rootHash, root)) {
    problems.push({ code: 'ROOT_MISMATCH', size, message: `checkpoint note at size ${size}: root ${hex(body.rootHash)}, entries give ${hex(root)}` });
  }
  return { problems, verified: verifiers.length > 0 };
}
