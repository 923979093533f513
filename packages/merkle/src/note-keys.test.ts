import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding, parsePublicKey, spkiDer } from '@sigbox/core';
import { vectorsDir } from '@sigbox/testkit';
import { NoteError, createNoteSigner, createNoteVerifier, formatVerifierKey, noteKeyId, parseVerifierKey } from './signed-note.js';

const { fromBase64, toHex, utf8 } = encoding;
const sha256 = (data: Uint8Array) => new Uint8Array(crypto.createHash('sha256').update(data).digest());

// golang.org/x/mod/sumdb/note package documentation example (note.go).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

function noteError(fn: () => unknown): NoteError {
  try {
    fn();
  } catch (err) {
    if (err instanceof NoteError) return err;
    throw err;
  }
  throw new Error('expected a NoteError');
}

describe('noteKeyId', () => {
  it('is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key) for Ed25519 and depends on the name', () => {
    const { publicKey } = crypto.generateKeyPairSync('ed25519');
    const raw = spkiDer(publicKey).slice(-32);
    const expected = sha256(encoding.concatBytes(utf8('log.example'), Uint8Array.of(0x0a, 0x01), raw));
    expect(toHex(noteKeyId('log.example', publicKey))).toBe(toHex(expected));
    expect(toHex(noteKeyId('other.example', publicKey))).not.toBe(toHex(expected));
  });

  it('is SHA-256(SPKI DER) for ECDSA P-256, whatever the name', () => {
    const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const expected = toHex(sha256(spkiDer(publicKey)));
    expect(toHex(noteKeyId('a', publicKey))).toBe(expected);
    expect(toHex(noteKeyId('b', publicKey))).toBe(expected);
  });

  it('refuses key types notes do not support', () => {
    const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(noteError(() => noteKeyId('x', p384)).code).toBe('INVALID_KEY');
    expect(noteError(() => createNoteVerifier('x', rsa)).code).toBe('INVALID_KEY');
  });
});

describe('createNoteVerifier / createNoteSigner', () => {
  it('refuse invalid key names', () => {
    const signer = createEphemeralSigner('ed25519');
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'tab\there']) {
      expect(noteError(() => createNoteSigner(name, signer)).code).toBe('INVALID_KEY');
      expect(noteError(() => createNoteVerifier(name, signer.publicKey)).code).toBe('INVALID_KEY');
    }
  });

  it('agree on name, key hint and key ID', () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const s = createNoteSigner('log.example', signer);
    const v = createNoteVerifier('log.example', signer.publicKey);
    expect(toHex(s.keyHint)).toBe(toHex(v.keyHint));
    expect(toHex(s.keyId)).toBe(toHex(v.keyId));
    expect(v.keyHint).toHaveLength(4);
    expect(v.type).toBe('ecdsa');
  });
});

describe('verifier keys (vkey)', () => {
  it('parses the x/mod/sumdb/note documented key and formats it back identically', () => {
    const key = parseVerifierKey(PETER_VKEY);
    expect(key.name).toBe('PeterNeumann');
    expect(toHex(key.keyHint)).toBe('c74f20a3');
    expect(key.type).toBe('ed25519');
    expect(formatVerifierKey('PeterNeumann', key.publicKey)).toBe(PETER_VKEY);
  });

  it('round-trips Ed25519 and ECDSA keys', () => {
    for (const algorithm of ['ed25519', 'ecdsa-p256'] as const) {
      const { publicKey } = createEphemeralSigner(algorithm);
      const vkey = formatVerifierKey('witness.example/w1', publicKey);
      const parsed = parseVerifierKey(vkey);
      expect(parsed.publicKey.equals(publicKey)).toBe(true);
      expect(formatVerifierKey(parsed.name, parsed.publicKey)).toBe(vkey);
    }
  });

  it('rejects malformed or inconsistent keys', () => {
    const [name, hint, key] = PETER_VKEY.split('+') as [string, string, string];
    const raw = fromBase64(key);
    const bad = [
      'PeterNeumann',
      `${name}+${hint}`,
      `${name}+c74f20a+${key}`, // 7 hex digits
      `${name}+c74f20a4+${key}`, // wrong hint
      `Peter+${hint}+${key}`, // hint of another name
      `+${hint}+${key}`,
      `${name}+${hint}+${key.slice(0, -1)}`, // not canonical base64
      `${name}+${hint}+${encoding.toBase64(raw.slice(0, 32))}`, // 31-byte key
      `${name}+${hint}+${encoding.toBase64(Uint8Array.of(0x05, ...raw.slice(1)))}`, // unknown type
    ];
    for (const vkey of bad) expect(noteError(() => parseVerifierKey(vkey)).code, vkey).toBe('INVALID_KEY');
  });
});

interface TrustedRoot {
  tlogs: Array<{ baseUrl: string; publicKey: { rawBytes: string; keyDetails: string }; logId: { keyId: string } }>;
}

const sigstoreDir = vectorsDir('sigstore');

describe.skipIf(!sigstoreDir)('key IDs of the public Sigstore trusted roots', () => {
  for (const file of ['production.trusted_root.json', 'staging.trusted_root.json']) {
    it(`${file}: logId.keyId = noteKeyId(hostname of baseUrl, key) for every tlog`, () => {
      const root = JSON.parse(fs.readFileSync(path.join(sigstoreDir as string, file), 'utf8')) as TrustedRoot;
      expect(root.tlogs.some((t) => t.publicKey.keyDetails === 'PKIX_ED25519')).toBe(true);
      for (const tlog of root.tlogs) {
        const key = parsePublicKey(fromBase64(tlog.publicKey.rawBytes));
        const keyId = noteKeyId(new URL(tlog.baseUrl).hostname, key);
        expect(encoding.toBase64(keyId), tlog.baseUrl).toBe(tlog.logId.keyId);
      }
    });
  }
});
