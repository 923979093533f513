import type { NoteSignature } from '@sigbox/merkle';
import { type PolicyWitness, formatAddCheckpointRequest, postAddCheckpoint, readAddCheckpointResponse } from '@sigbox/witness';

/**
 * Tries per checkpoint and witness: the first request may carry a stale old size (0 after a start), the 409 names the
 * right one, the second succeeds; a third covers a witness another process moved meanwhile (Tessera: maxUpdateRetries 3).
 */
export const MAX_ATTEMPTS = 3;

/** The checkpoint being witnessed. */
export interface CheckpointToWitness {
  readonly size: bigint;
  /** The log's signed note. */
  readonly checkpoint: string;
  /** Its text (what cosignatures sign). */
  readonly text: string;
}

export interface SendOptions {
  /** RFC 6962 consistency proof from `from` (0 < from < to) to `to`: the tree's TreeReader.consistencyProof. */
  consistencyProof(from: bigint, to: bigint): Promise<Uint8Array[]>;
  /** The size the witness is believed to have cosigned last (0 when unknown): the old size of the first request. */
  readonly oldSize: bigint;
  readonly timeoutMs: number;
  /** Told of every answer: `cosigned`, or `conflict` with the witness's size. */
  onConflict(size: bigint): void;
}

/**
 * Sends the checkpoint to one witness (C2SP tlog-witness add-checkpoint) and returns its verified cosignature lines.
 * On 409 it sends again from the size the witness gave. Throws WitnessError for what the witness refused or failed
 * to answer (the caller counts and logs it), or the tree's error if a proof cannot be built.
 */
export async function sendToWitness(witness: PolicyWitness, target: CheckpointToWitness, options: SendOptions): Promise<readonly NoteSignature[]> {
  let old = options.oldSize;
  for (let attempt = 1; ; attempt++) {
    // No proof from the empty tree, nor between equal sizes (the witness compares the roots).
    const proof = old === 0n || old >= target.size ? [] : await options.consistencyProof(old, target.size);
    const body = formatAddCheckpointRequest(old, proof, target.checkpoint);
    const response = await postAddCheckpoint(witness.url, body, { timeoutMs: options.timeoutMs });
    const outcome = readAddCheckpointResponse(response, witness.key, target.text, target.size);
    if (outcome.kind === 'cosigned') return outcome.signatures;
    options.onConflict(outcome.size);
    if (attempt >= MAX_ATTEMPTS) return [];
    old = outcome.size;
  }
}
