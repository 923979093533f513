import crypto, { type KeyObject } from 'node:crypto';
import { bytesEqual, encoding, parsePublicKey, spkiDer } from '@sigbox/core';
import { NoteError } from './note-error.js';
import { decodeCanonicalBase64 } from './note-syntax.js';
import { type NoteKey, NOTE_KEY_TYPE_BYTE, createNoteVerifier, ed25519RawKey, noteKeyType } from './note-keys.js';

const ED25519_KEY_LENGTH = 32; // RFC 8032 §5.1.5
const HINT_HEX_RE = /^[0-9a-f]{8}$/i; // x/mod/sumdb/note NewVerifier: exactly 8 hex digits

function invalid(message: string, cause?: unknown): NoteError {
  return new NoteError('INVALID_KEY', `invalid verifier key: ${message}`, cause === undefined ? {} : { cause });
}

/** The key encoding after the type byte: Ed25519 raw 32 bytes; ECDSA SPKI DER (transparency-dev formats note). */
function encodeKey(publicKey: KeyObject): Uint8Array {
  const type = noteKeyType(publicKey);
  const body = type === 'ed25519' ? ed25519RawKey(publicKey) : spkiDer(publicKey);
  return encoding.concatBytes(Uint8Array.of(NOTE_KEY_TYPE_BYTE[type]), body);
}

function decodeKey(bytes: Uint8Array): KeyObject {
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case NOTE_KEY_TYPE_BYTE.ed25519:
      return ed25519PublicKey(body);
    case NOTE_KEY_TYPE_BYTE.ecdsa:
      try {
        return parsePublicKey(body);
      } catch (cause) {
        throw invalid('bad ECDSA SPKI', cause);
      }
    default:
      throw invalid(`unsupported key type ${bytes[0] ?? 'none'}`);
  }
}

/**
 * The verifier key string `<name>+<hex key hint>+<base64(type ‖ key)>` of x/mod/sumdb/note (Ed25519) and
 * transparency-dev/formats `NewECDSAVerifier` (ECDSA: type 0x02 ‖ SPKI DER), as witness policies carry them.
 *
 * @example
 * formatVerifierKey('example.com/log', edPublicKey) // 'example.com/log+1a2b3c4d+AVj…'
 */
export function formatVerifierKey(name: string, publicKey: KeyObject): string {
  const key = createNoteVerifier(name, publicKey);
  return `${name}+${encoding.toHex(key.keyHint)}+${encoding.toBase64(encodeKey(key.publicKey))}`;
}

/**
 * Parses a verifier key string and checks that its hint matches the key, as x/mod/sumdb/note `NewVerifier`
 * does (a mismatch means a corrupted or forged vkey).
 */
export function parseVerifierKey(vkey: string): NoteKey {
  const { name, hint, key } = splitVerifierKey(vkey);
  const verifier = createNoteVerifier(name, decodeKey(key));
  if (!bytesEqual(verifier.keyHint, hint)) throw invalid('key hint does not match the key');
  return verifier;
}

/** The three parts of `<name>+<hex key hint>+<base64(type ‖ key)>`, syntax checked, nothing else. */
export function splitVerifierKey(vkey: string): { name: string; hint: Uint8Array; key: Uint8Array } {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw invalid('expected <name>+<hint>+<key>');
  const hintHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1); // base64 may itself contain '+'
  if (!HINT_HEX_RE.test(hintHex)) throw invalid('key hint must be 8 hex digits');
  const key = decodeCanonicalBase64(keyB64);
  if (key === undefined) throw invalid('key is not canonical base64');
  return { name: vkey.slice(0, first), hint: encoding.fromHex(hintHex), key };
}

/** An Ed25519 public key from its 32-byte RFC 8032 encoding. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_KEY_LENGTH) throw invalid('Ed25519 key must be 32 bytes');
  try {
    return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encoding.toBase64Url(raw) }, format: 'jwk' });
  } catch (cause) {
    throw invalid('bad Ed25519 key', cause);
  }
}
