import { MAX_INT64, MAX_UINT64, encoding, parseUint64 } from '@sigbox/core';
import { NoteError } from './note-error.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { type SignedNote, decodeCanonicalBase64, isValidKeyName, parseSignedNote } from './note-syntax.js';
import { type OpenNoteOptions, type OpenedNote, openNote, signNote } from './signed-note.js';

/** RFC 6962 root hashes are SHA-256 digests. */
export const ROOT_HASH_LENGTH = 32;

/** A log's tree head as a checkpoint body states it (C2SP tlog-checkpoint §Note text). */
export interface Checkpoint {
  readonly origin: string;
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  /** Opaque non-empty lines after the root hash: tolerated on input, never emitted. */
  readonly extensions: readonly string[];
}

export type CheckpointInput = Pick<Checkpoint, 'origin' | 'size' | 'rootHash'>;

function malformed(message: string, cause?: unknown): NoteError {
  return new NoteError('MALFORMED_CHECKPOINT', `malformed checkpoint: ${message}`, cause === undefined ? {} : { cause });
}

/**
 * `<origin>\n<size>\n<base64 root>\n`: the note text a log signs. Extension lines are NOT RECOMMENDED by the
 * spec (monitors cannot audit them) and Rekor v1 dropped its `Timestamp:` line (rekor#1888), so none are written.
 *
 * @see https://c2sp.org/tlog-checkpoint
 */
export function formatCheckpointBody(checkpoint: CheckpointInput): string {
  const { origin, size, rootHash } = checkpoint;
  if (origin === '' || /[\u0000-\u001F]/.test(origin)) throw malformed('origin must be one non-empty line');
  if (size < 0n || size > MAX_UINT64) throw malformed('size out of uint64 range');
  if (rootHash.length !== ROOT_HASH_LENGTH) throw malformed(`root hash must be ${ROOT_HASH_LENGTH} bytes`);
  return `${origin}\n${size.toString()}\n${encoding.toBase64(rootHash)}\n`;
}

function parseRootHash(line: string): Uint8Array {
  const root = decodeCanonicalBase64(line);
  if (root?.length !== ROOT_HASH_LENGTH) throw malformed('root hash is not 32 bytes in canonical base64');
  return root;
}

/**
 * Parses a checkpoint body (a note's text): at least three non-empty lines, a decimal size without leading
 * zeros, a canonical base64 32-byte root, then optional non-empty extension lines.
 */
export function parseCheckpointBody(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('text must end in a newline');
  const [origin = '', sizeLine = '', rootLine = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') throw malformed('empty origin');
  if (extensions.some((line) => line === '')) throw malformed('empty extension line');
  let size: bigint;
  try {
    size = parseUint64(sizeLine);
  } catch (cause) {
    throw malformed('size is not a canonical decimal uint64', cause);
  }
  return { origin, size, rootHash: parseRootHash(rootLine), extensions };
}

/**
 * Parses a signed checkpoint **without verifying it**, e.g. to read the origin and choose verifiers (sigstore-go
 * tells v1 from v2 by the origin). Never trust the numbers before `openCheckpoint`.
 */
export function parseCheckpoint(note: string | Uint8Array): Checkpoint & { readonly note: SignedNote } {
  const parsed = parseSignedNote(note);
  return { ...parseCheckpointBody(parsed.text), note: parsed };
}

/**
 * Signs a checkpoint with each signer and returns the signed note. C2SP: the log's key name SHOULD equal the
 * origin (Rekor v2); Rekor v1 signs as its hostname because its origin `<host> - <treeID>` has spaces.
 */
export function signCheckpoint(checkpoint: CheckpointInput, signers: readonly NoteSigner[]): Promise<string> {
  return signNote(formatCheckpointBody(checkpoint), signers);
}

export interface OpenCheckpointOptions extends OpenNoteOptions {
  /** When set, the origin line must equal it exactly. */
  readonly origin?: string;
}

export type VerifiedCheckpoint = Checkpoint & Pick<OpenedNote, 'verifiedBy' | 'unknown' | 'text'>;

/**
 * Verifies a signed checkpoint (see `openNote` for the signature rules) and returns its parsed body.
 *
 * @example
 * const { size, rootHash } = openCheckpoint(logInfo.signedTreeHead, [verifier], { rekorV1Strict: true });
 */
export function openCheckpoint(note: string | Uint8Array, verifiers: readonly NoteVerifier[], options: OpenCheckpointOptions = {}): VerifiedCheckpoint {
  const opened = openNote(note, verifiers, options);
  const checkpoint = parseCheckpointBody(opened.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new NoteError('UNEXPECTED_ORIGIN', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(options.origin)}`);
  }
  return { ...checkpoint, text: opened.text, verifiedBy: opened.verifiedBy, unknown: opened.unknown };
}

/**
 * sigstore-go's test for a Rekor v1 checkpoint origin (`pkg/verify/tlog.go`); every other origin is read as a
 * C2SP (Rekor v2) log, so a v2 origin must never match it.
 */
export const REKOR_V1_ORIGIN_RE = /^.* - [0-9]+$/;

/** Whether sigstore-go would treat a checkpoint with this origin as a Rekor v1 checkpoint. */
export function isRekorV1Origin(origin: string): boolean {
  return REKOR_V1_ORIGIN_RE.test(origin);
}

/**
 * The Rekor v1 origin `<hostname> - <treeID>` (rekor `pkg/api/tlog.go`). The same hostname, not this origin,
 * is the key name on the signature line. The tree ID is a positive int64 (Trillian).
 */
export function rekorV1Origin(hostname: string, treeId: bigint): string {
  if (!isValidKeyName(hostname)) throw malformed(`invalid Rekor hostname ${JSON.stringify(hostname)}`);
  if (treeId <= 0n || treeId > MAX_INT64) throw malformed('tree ID must be a positive int64');
  return `${hostname} - ${treeId.toString()}`;
}

/** Splits a Rekor v1 origin into hostname and tree ID, or undefined when it is not one. */
export function parseRekorV1Origin(origin: string): { hostname: string; treeId: bigint } | undefined {
  const match = /^(.*) - ([0-9]+)$/.exec(origin);
  if (match === null) return undefined;
  return { hostname: match[1] ?? '', treeId: BigInt(match[2] ?? '0') };
}
