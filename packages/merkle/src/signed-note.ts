import { encoding } from '@sigbox/core';
import { NoteError } from './note-error.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { type NoteSignature, type SignedNote, checkNoteText, formatSignedNote, parseSignedNote } from './note-syntax.js';

// The public face of signed notes: signing and opening here, syntax, keys and vkeys in the note-*.ts helpers.
export { NoteError, type NoteErrorCode } from './note-error.js';
export {
  type NoteSignature,
  type SignedNote,
  SIGNATURE_LINE_PREFIX,
  KEY_HINT_LENGTH,
  MAX_NOTE_SIGNATURES,
  isValidKeyName,
  parseSignedNote,
  formatSignedNote,
  formatSignatureLine,
} from './note-syntax.js';
export {
  type NoteVerifier,
  type NoteSigner,
  type NoteKey,
  type NoteKeyType,
  NOTE_KEY_TYPE_BYTE,
  noteKeyType,
  noteKeyId,
  createNoteVerifier,
  createNoteSigner,
} from './note-keys.js';
export { formatVerifierKey, parseVerifierKey } from './note-vkey.js';
export {
  type CosignatureKey,
  COSIGNATURE_V1_TYPE_BYTE,
  cosignatureKeyId,
  cosignatureMessage,
  cosignatureTimestamp,
  createCosignatureVerifier,
  createCosignatureSigner,
  formatCosignatureVerifierKey,
  parseCosignatureVerifierKey,
} from './note-cosignature.js';

/**
 * Signs `text` with every signer, in order, and returns the signed note.
 *
 * @example
 * const note = await signNote('hello\n', [createNoteSigner('example.com/log', signer)]);
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  checkNoteText(text);
  const message = encoding.utf8(text);
  const signatures: NoteSignature[] = [];
  for (const signer of signers) {
    signatures.push({ name: signer.name, keyHint: signer.keyHint, signature: await signer.sign(message) });
  }
  return formatSignedNote({ text, signatures });
}

export interface OpenNoteOptions {
  /**
   * Demand what rekor's `SignedNote.Verify` (cosign v2, rekor-cli, sigstore-go's v1 path) demands: every
   * signature line must come from a known key and verify, so any extra line (a witness cosignature, a second
   * key) fails. Lines still match by name too, which sigstore-js checks against the log URL and rekor ignores:
   * what passes here passes every client. Default false: C2SP semantics, unknown signatures ignored.
   */
  readonly rekorV1Strict?: boolean;
  /** Cap on signature lines; defaults to MAX_NOTE_SIGNATURES (100). */
  readonly maxSignatures?: number;
}

/** A note whose signatures were checked. */
export interface OpenedNote extends SignedNote {
  /** The known verifiers whose signatures verified, each once, in order of first appearance. */
  readonly verifiedBy: readonly NoteVerifier[];
  /** Signature lines from keys not among the verifiers (ignored per C2SP signed-note). */
  readonly unknown: readonly NoteSignature[];
}

function lookupKey(name: string, keyHint: Uint8Array): string {
  // Names never contain spaces, so a space cannot make two pairs collide.
  return `${name} ${encoding.toHex(keyHint)}`;
}

function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const index = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = lookupKey(v.name, v.keyHint);
    // x/mod/sumdb/note VerifierList reports such pairs as ambiguous rather than guessing.
    if (index.has(key) && index.get(key) !== v) throw new NoteError('AMBIGUOUS_VERIFIER', `two verifiers for key ${key}`);
    index.set(key, v);
  }
  return index;
}

/**
 * Parses a signed note and verifies it against known keys (C2SP signed-note §Signatures): signatures from
 * unknown (name, key ID) pairs are ignored, a known key whose signature fails rejects the whole note, and at
 * least one known key must verify. Every known line is checked, duplicates included.
 *
 * @throws NoteError MALFORMED_NOTE, INVALID_SIGNATURE, UNVERIFIED_NOTE, UNKNOWN_SIGNATURE (strict), AMBIGUOUS_VERIFIER
 * @example
 * const { text, verifiedBy } = openNote(noteText, [createNoteVerifier('example.com/log', publicKey)]);
 */
export function openNote(input: string | Uint8Array, verifiers: readonly NoteVerifier[], options: OpenNoteOptions = {}): OpenedNote {
  const note = parseSignedNote(input, options.maxSignatures === undefined ? {} : { maxSignatures: options.maxSignatures });
  const known = indexVerifiers(verifiers);
  const message = encoding.utf8(note.text);
  const verifiedBy: NoteVerifier[] = [];
  const unknown: NoteSignature[] = [];
  for (const sig of note.signatures) {
    const key = lookupKey(sig.name, sig.keyHint);
    const verifier = known.get(key);
    if (verifier === undefined) {
      if (options.rekorV1Strict) throw new NoteError('UNKNOWN_SIGNATURE', `signature from unknown key ${key}`);
      unknown.push(sig);
      continue;
    }
    if (!verifier.verify(message, sig.signature)) throw new NoteError('INVALID_SIGNATURE', `invalid signature for key ${key}`);
    if (!verifiedBy.includes(verifier)) verifiedBy.push(verifier);
  }
  if (verifiedBy.length === 0) {
    throw new NoteError('UNVERIFIED_NOTE', 'note has no verifiable signatures', { details: { unknown: unknown.map((s) => lookupKey(s.name, s.keyHint)) } });
  }
  return { ...note, verifiedBy, unknown };
}
