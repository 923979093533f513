import crypto, { type KeyObject } from 'node:crypto';
import { type Signer, encoding, keyAlgorithm, sha256, spkiDer, verifySignature } from '@sigbox/core';
import { NoteError } from './note-error.js';
import { KEY_HINT_LENGTH, isValidKeyName } from './note-syntax.js';

/** Checks a signature by one key over a note's text (its UTF-8 bytes, final newline included). */
export interface NoteVerifier {
  readonly name: string;
  /** The first 4 bytes of the key ID, as carried on signature lines. */
  readonly keyHint: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs a note's text with one key. */
export interface NoteSigner {
  readonly name: string;
  readonly keyHint: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A verifier over a known public key, with the full 32-byte key ID trusted roots carry as `logId.keyId`. */
export interface NoteKey extends NoteVerifier {
  readonly type: NoteKeyType;
  readonly keyId: Uint8Array;
  readonly publicKey: KeyObject;
}

/**
 * The note signature types Sigbox supports: Ed25519 (0x01) and ECDSA P-256 with SHA-256 (0x02). ECDSA is
 * limited to P-256 because rekor and transparency-dev verifiers always hash the text with SHA-256, whereas a
 * P-384 `Signer` would hash with SHA-384.
 */
export type NoteKeyType = 'ed25519' | 'ecdsa';

/** Signature type identifier bytes, C2SP signed-note §Signature types. */
export const NOTE_KEY_TYPE_BYTE: Readonly<Record<NoteKeyType, number>> = { ed25519: 0x01, ecdsa: 0x02 };

/** Which note signature type a key makes, or INVALID_KEY. */
export function noteKeyType(key: KeyObject): NoteKeyType {
  const algorithm = keyAlgorithm(key);
  if (algorithm === 'ed25519') return 'ed25519';
  if (algorithm === 'ecdsa-p256') return 'ecdsa';
  throw new NoteError('INVALID_KEY', `${algorithm} keys cannot sign notes (Ed25519 or ECDSA P-256 only)`);
}

/** The 32-byte RFC 8032 encoding of an Ed25519 public key. */
export function ed25519RawKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return encoding.fromBase64Url(pub.export({ format: 'jwk' }).x ?? '');
}

/**
 * The full 32-byte key ID; its first 4 bytes are the key hint on signature lines.
 * - Ed25519: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte key) (C2SP signed-note), which is the Rekor v2 `logId.keyId`
 *   with name = checkpoint origin (rekor-tiles `pkg/note/note.go`).
 * - ECDSA: SHA-256(SPKI DER), name-independent: the Rekor v1 logID and the transparency-dev witness key hash.
 */
export function noteKeyId(name: string, publicKey: KeyObject): Uint8Array {
  switch (noteKeyType(publicKey)) {
    case 'ed25519':
      return sha256(encoding.utf8(name), Uint8Array.of(0x0a, NOTE_KEY_TYPE_BYTE.ed25519), ed25519RawKey(publicKey));
    case 'ecdsa':
      return sha256(spkiDer(publicKey));
  }
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError('INVALID_KEY', `invalid note key name ${JSON.stringify(name)}`);
}

/**
 * A verifier for signatures by `publicKey` under key name `name`. For a Rekor log the name is the hostname
 * of the log's base URL (v1: `rekor.sigstore.dev`, not the `<host> - <treeID>` origin; v2: the origin itself).
 *
 * @example
 * const verifier = createNoteVerifier('rekor.sigstore.dev', parsePublicKey(spki));
 */
export function createNoteVerifier(name: string, publicKey: KeyObject): NoteKey {
  checkName(name);
  const pub = publicKey.type === 'private' ? crypto.createPublicKey(publicKey) : publicKey;
  const keyId = noteKeyId(name, pub);
  return {
    name,
    type: noteKeyType(pub),
    keyId,
    keyHint: keyId.slice(0, KEY_HINT_LENGTH),
    publicKey: pub,
    // core's verifySignature signs Ed25519 pure and P-256 over SHA-256 with DER signatures: the note algorithms.
    verify: (message, signature) => verifySignature(pub, message, signature),
  };
}

/** A note signer over a core `Signer` (a file key, an HSM, memory) under key name `name`. */
export function createNoteSigner(name: string, signer: Signer): NoteSigner & { readonly keyId: Uint8Array } {
  checkName(name);
  const keyId = noteKeyId(name, signer.publicKey);
  return { name, keyId, keyHint: keyId.slice(0, KEY_HINT_LENGTH), sign: (message: Uint8Array) => signer.sign(message) };
}
