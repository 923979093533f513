import crypto, { type KeyObject } from 'node:crypto';
import { MAX_INT64, type Signer, bytesEqual, encoding, keyAlgorithm, sha256 } from '@sigbox/core';
import { NoteError } from './note-error.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { ed25519RawKey } from './note-keys.js';
import { KEY_HINT_LENGTH, isValidKeyName } from './note-syntax.js';
import { ed25519PublicKey, splitVerifierKey } from './note-vkey.js';

/**
 * Ed25519 witness cosignatures, C2SP tlog-cosignature (C2SP/C2SP@5ba5ee83 tlog-cosignature.md): a note
 * signature line whose key ID is SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[:4] and whose signature is
 * `u64 big-endian POSIX seconds ‖ Ed25519 signature` over
 * `cosignature/v1\ntime <t>\n<checkpoint text>`. A witness policy names its witnesses by such vkeys.
 */
export const COSIGNATURE_V1_TYPE_BYTE = 0x04;
const TIMESTAMP_LENGTH = 8;
const ED25519_SIGNATURE_LENGTH = 64; // RFC 8032 §5.1.6

/** A verifier of one witness's cosignatures, with the witness's Ed25519 key. */
export interface CosignatureKey extends NoteVerifier {
  readonly publicKey: KeyObject;
  /** The full 32-byte key ID; `keyHint` is its first 4 bytes. */
  readonly keyId: Uint8Array;
}

function invalidKey(message: string): NoteError {
  return new NoteError('INVALID_KEY', `invalid cosignature key: ${message}`);
}

function checkEd25519(name: string, publicKey: KeyObject): KeyObject {
  if (!isValidKeyName(name)) throw invalidKey(`invalid name ${JSON.stringify(name)}`);
  const pub = publicKey.type === 'private' ? crypto.createPublicKey(publicKey) : publicKey;
  if (keyAlgorithm(pub) !== 'ed25519') throw invalidKey('cosignature v1 keys are Ed25519');
  return pub;
}

/** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte key): its first 4 bytes are the key ID on cosignature lines. */
export function cosignatureKeyId(name: string, publicKey: KeyObject): Uint8Array {
  const pub = checkEd25519(name, publicKey);
  return sha256(encoding.utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_TYPE_BYTE), ed25519RawKey(pub));
}

/** The message a v1 cosignature signs: two header lines, then the checkpoint text (final newline included). */
export function cosignatureMessage(timestamp: bigint, checkpointText: Uint8Array): Uint8Array {
  return encoding.concatBytes(encoding.utf8(`cosignature/v1\ntime ${timestamp.toString()}\n`), checkpointText);
}

/** The timestamp of a cosignature (the signature bytes after the key ID), or undefined when it has none. */
export function cosignatureTimestamp(signature: Uint8Array): bigint | undefined {
  if (signature.length !== TIMESTAMP_LENGTH + ED25519_SIGNATURE_LENGTH) return undefined;
  const t = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_LENGTH).getBigUint64(0);
  // The spec caps timestamps at 2^63 - 1 (torchwood's CosignatureTimestamp refuses larger ones too).
  return t > MAX_INT64 ? undefined : t;
}

/**
 * A verifier for `name`'s Ed25519 cosignatures. Its `verify(text, signature)` takes the checkpoint text as every
 * note verifier does, so `openNote(cosignedCheckpoint, [logKey, ...witnessKeys])` checks log and witnesses at once.
 *
 * @example
 * const key = createCosignatureVerifier('witness.example/w1', publicKey);
 */
export function createCosignatureVerifier(name: string, publicKey: KeyObject): CosignatureKey {
  const pub = checkEd25519(name, publicKey);
  const keyId = cosignatureKeyId(name, pub);
  return {
    name,
    keyId,
    keyHint: keyId.slice(0, KEY_HINT_LENGTH),
    publicKey: pub,
    verify(message, signature) {
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === undefined) return false;
      return crypto.verify(null, cosignatureMessage(timestamp, message), pub, signature.subarray(TIMESTAMP_LENGTH));
    },
  };
}

/** `<name>+<hex key ID>+<base64(0x04 ‖ key)>`, the vkey witness policies and litewitness print. */
export function formatCosignatureVerifierKey(name: string, publicKey: KeyObject): string {
  const key = createCosignatureVerifier(name, publicKey);
  const body = encoding.concatBytes(Uint8Array.of(COSIGNATURE_V1_TYPE_BYTE), ed25519RawKey(key.publicKey));
  return `${name}+${encoding.toHex(key.keyHint)}+${encoding.toBase64(body)}`;
}

/**
 * Parses a type 0x04 vkey (transparency-dev/formats `NewVerifierForCosignatureV1`, which Tessera's witness policy
 * uses) and checks its key ID. Other types are refused: a witness's log-style 0x01 key verifies nothing here.
 */
export function parseCosignatureVerifierKey(vkey: string): CosignatureKey {
  const { name, hint, key } = splitVerifierKey(vkey);
  if (key[0] !== COSIGNATURE_V1_TYPE_BYTE) throw invalidKey(`type ${key[0] ?? 'none'} is not 4 (Ed25519 cosignature v1)`);
  const verifier = createCosignatureVerifier(name, ed25519PublicKey(key.subarray(1)));
  if (!bytesEqual(verifier.keyHint, hint)) throw invalidKey('key ID does not match the key');
  return verifier;
}

/**
 * A cosigner over an Ed25519 `Signer`, stamping each cosignature with `clock()` (whole seconds). For tests and for
 * a future Sigbox witness; the log itself never cosigns.
 */
export function createCosignatureSigner(name: string, signer: Signer, clock: () => Date = () => new Date()): NoteSigner {
  const keyId = cosignatureKeyId(name, signer.publicKey);
  return {
    name,
    keyHint: keyId.slice(0, KEY_HINT_LENGTH),
    async sign(message) {
      const timestamp = BigInt(Math.floor(clock().getTime() / 1000));
      const stamp = new Uint8Array(TIMESTAMP_LENGTH);
      new DataView(stamp.buffer).setBigUint64(0, timestamp);
      return encoding.concatBytes(stamp, await signer.sign(cosignatureMessage(timestamp, message)));
    },
  };
}
