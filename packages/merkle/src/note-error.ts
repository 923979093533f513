import { BaseError } from '@sigbox/core';

/**
 * Why a signed note or checkpoint was refused. The codes follow golang.org/x/mod/sumdb/note's error kinds
 * (`errMalformedNote`, `UnverifiedNoteError`, `InvalidSignatureError`, `ambiguousVerifierError`) plus the
 * checkpoint and key-encoding failures Sigbox adds on top.
 */
export type NoteErrorCode =
  /** Not a well-formed signed note (C2SP signed-note §Format). */
  | 'MALFORMED_NOTE'
  /** The note text is not a well-formed checkpoint body (C2SP tlog-checkpoint §Note text). */
  | 'MALFORMED_CHECKPOINT'
  /** No signature from a known key verified. */
  | 'UNVERIFIED_NOTE'
  /** A signature from a known key (name and key ID match) failed to verify. */
  | 'INVALID_SIGNATURE'
  /** Rekor v1 strictness only: a signature line that no known key made. */
  | 'UNKNOWN_SIGNATURE'
  /** Two configured verifiers share one (name, key ID) pair. */
  | 'AMBIGUOUS_VERIFIER'
  /** The checkpoint origin is not the one the caller expects. */
  | 'UNEXPECTED_ORIGIN'
  /** A key name, vkey string or key that cannot be used for notes. */
  | 'INVALID_KEY';

export class NoteError extends BaseError<NoteErrorCode> {}
