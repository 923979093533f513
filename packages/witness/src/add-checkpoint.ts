import { bytesEqual, encoding } from '@sigbox/core';
import { type CosignatureKey, HASH_SIZE, type NoteSignature, parseSignedNote } from '@sigbox/merkle';
import { WitnessError } from './error.js';

/**
 * The add-checkpoint exchange of C2SP tlog-witness (C2SP/C2SP@5ba5ee83 tlog-witness.md §add-checkpoint), as
 * litewitness (filippo.io/torchwood v0.6.1 internal/witness/witness.go) implements it.
 */

/** The spec: "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_PROOF_LINES = 63;
/** The Content-Type of a 409's body, the witness's latest cosigned size. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';
/** Bodies of answers read at most this far: a cosignature line is ~120 bytes, a witness sends a handful. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * `old <size>\n`, one base64 hash per proof line, an empty line, then the signed checkpoint. With `oldSize` 0
 * the proof must be empty (the empty tree is consistent with every tree).
 *
 * @example
 * const body = formatAddCheckpointRequest(7n, await tree.consistencyProof(7n, 9n), checkpoint);
 */
export function formatAddCheckpointRequest(oldSize: bigint, proof: readonly Uint8Array[], checkpoint: string): string {
  if (oldSize < 0n) throw new WitnessError('INVALID_REQUEST', 'old size is negative');
  if (oldSize === 0n && proof.length > 0) throw new WitnessError('INVALID_REQUEST', 'old size 0 takes no consistency proof');
  if (proof.length > MAX_PROOF_LINES) throw new WitnessError('INVALID_REQUEST', `consistency proof has ${proof.length} > ${MAX_PROOF_LINES} hashes`);
  if (proof.some((h) => h.length !== HASH_SIZE)) throw new WitnessError('INVALID_REQUEST', 'consistency proof hashes must be 32 bytes');
  parseSignedNote(checkpoint); // a malformed note would only earn a 403 or 400
  return `old ${oldSize.toString()}\n${proof.map((h) => `${encoding.toBase64(h)}\n`).join('')}\n${checkpoint}`;
}

/** What the witness said, when it said something the spec allows. */
export type AddCheckpointOutcome =
  /** 200: the witness's cosignature lines that verified (lines from other keys are dropped). */
  | { readonly kind: 'cosigned'; readonly signatures: readonly NoteSignature[] }
  /** 409: the witness's latest cosigned size is `size`, not the old size sent: send again from there. */
  | { readonly kind: 'conflict'; readonly size: bigint };

/** An HTTP answer as the client read it. */
export interface WitnessResponse {
  readonly status: number;
  /** The Content-Type header, if any. */
  readonly contentType: string | undefined;
  readonly body: string;
}

const STATUS_ERRORS: Readonly<Record<number, 'BAD_REQUEST' | 'SIGNATURE_REFUSED' | 'UNKNOWN_LOG' | 'INCONSISTENT'>> = {
  400: 'BAD_REQUEST',
  403: 'SIGNATURE_REFUSED',
  404: 'UNKNOWN_LOG',
  422: 'INCONSISTENT',
};

const SIZE_BODY_RE = /^(0|[1-9][0-9]{0,19})\n$/;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Keeps the verified cosignatures of `key` over `checkpointText`; throws unless there is at least one. */
function verifiedCosignatures(body: string, checkpointText: string, key: CosignatureKey): NoteSignature[] {
  let signatures: readonly NoteSignature[];
  try {
    // The spec's own suggestion: append the answer to the checkpoint text and parse it as a note.
    signatures = parseSignedNote(`${checkpointText}\n${body}`).signatures;
  } catch (cause) {
    throw new WitnessError('INVALID_RESPONSE', 'the 200 answer is not a sequence of signature lines', { cause });
  }
  const text = encoding.utf8(checkpointText);
  const mine = signatures.filter((s) => s.name === key.name && bytesEqual(s.keyHint, key.keyHint));
  // Per signed-note, a line with a known name and key ID that fails to verify taints the answer.
  if (mine.some((s) => !key.verify(text, s.signature))) {
    throw new WitnessError('INVALID_COSIGNATURE', `a cosignature of ${key.name} does not verify over the checkpoint sent`);
  }
  if (mine.length === 0) throw new WitnessError('INVALID_COSIGNATURE', `the answer carries no cosignature of ${key.name}`);
  return mine;
}

/**
 * Reads a witness's answer to the checkpoint whose note text is `checkpointText`. A 409 whose size exceeds
 * `checkpointSize` is WITNESS_AHEAD (Tessera treats it as permanent: the witness saw a bigger tree than ours).
 *
 * @throws WitnessError BAD_REQUEST, SIGNATURE_REFUSED, UNKNOWN_LOG, INCONSISTENT, WITNESS_AHEAD, UNEXPECTED_STATUS,
 *   INVALID_RESPONSE, INVALID_COSIGNATURE
 */
export function readAddCheckpointResponse(response: WitnessResponse, key: CosignatureKey, checkpointText: string, checkpointSize: bigint): AddCheckpointOutcome {
  const details = { status: response.status, body: response.body.slice(0, 200) };
  if (response.status === 200) return { kind: 'cosigned', signatures: verifiedCosignatures(response.body, checkpointText, key) };
  if (response.status === 409) {
    const match = SIZE_BODY_RE.exec(response.body);
    if (mediaType(response.contentType) !== TLOG_SIZE_CONTENT_TYPE || match === null) {
      throw new WitnessError('INVALID_RESPONSE', `409 without a ${TLOG_SIZE_CONTENT_TYPE} size`, { details });
    }
    const size = BigInt(match[1] ?? '0');
    if (size > checkpointSize) {
      throw new WitnessError('WITNESS_AHEAD', `witness has cosigned size ${size}, beyond the checkpoint's ${checkpointSize}`, { details: { ...details, size } });
    }
    return { kind: 'conflict', size };
  }
  const code = STATUS_ERRORS[response.status] ?? 'UNEXPECTED_STATUS';
  throw new WitnessError(code, `witness answered ${response.status}: ${details.body.trim()}`, { details });
}
