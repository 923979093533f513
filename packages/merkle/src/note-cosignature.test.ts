import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import {
  createCosignatureSigner,
  createCosignatureVerifier,
  createNoteSigner,
  createNoteVerifier,
  formatCosignatureVerifierKey,
  formatVerifierKey,
  openNote,
  parseCosignatureVerifierKey,
  parseSignedNote,
  signNote,
} from './signed-note.js';
import { errorCode } from './__fixtures__/error-code.js';

const CHECKPOINT = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const T = new Date('2026-12-07T12:00:00Z');

function witness(name = 'witness.example/w1') {
  const signer = createEphemeralSigner('ed25519');
  return { signer: createCosignatureSigner(name, signer, () => T), verifier: createCosignatureVerifier(name, signer.publicKey), publicKey: signer.publicKey };
}

describe('Ed25519 cosignatures (C2SP tlog-cosignature)', () => {
  it('signs u64 time ‖ Ed25519 over "cosignature/v1\\ntime <t>\\n<text>", keyed by SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4]', async () => {
    const { signer, verifier, publicKey } = witness();
    const signed = await signNote(CHECKPOINT, [signer]);
    const note = parseSignedNote(signed);
    const sig = note.signatures[0]?.signature ?? new Uint8Array();
    expect(sig.length).toBe(72);
    const seconds = BigInt(T.getTime() / 1000);
    expect(Buffer.from(sig.subarray(0, 8)).readBigUInt64BE()).toBe(seconds);
    // The message and key ID computed from the spec's text, independently of the module.
    const message = Buffer.from(`cosignature/v1\ntime ${seconds}\n${CHECKPOINT}`);
    expect(crypto.verify(null, message, publicKey, sig.subarray(8))).toBe(true);
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    const id = crypto.createHash('sha256').update('witness.example/w1\n').update(Buffer.from([4])).update(raw).digest();
    expect(encoding.toHex(note.signatures[0]?.keyHint ?? new Uint8Array())).toBe(id.subarray(0, 4).toString('hex'));
    expect(openNote(signed, [verifier]).verifiedBy).toEqual([verifier]);
  });

  it('verifies beside the log signature and refuses a changed text, time or key type', async () => {
    const log = createEphemeralSigner('ed25519');
    const logSigner = createNoteSigner('example.com/behind-the-sofa', log);
    const logVerifier = createNoteVerifier('example.com/behind-the-sofa', log.publicKey);
    const w = witness();
    const note = await signNote(CHECKPOINT, [logSigner, w.signer]);
    expect(openNote(note, [logVerifier, w.verifier]).verifiedBy).toHaveLength(2);
    const tampered = note.replace('20852163', '20852164');
    expect(errorCode(() => openNote(tampered, [w.verifier]))).toBe('INVALID_SIGNATURE');
    const parsed = parseSignedNote(note);
    const cosig = parsed.signatures[1]?.signature ?? new Uint8Array();
    const later = Uint8Array.from(cosig);
    later[7] = (later[7] ?? 0) ^ 1;
    expect(w.verifier.verify(encoding.utf8(CHECKPOINT), later)).toBe(false);
    expect(w.verifier.verify(encoding.utf8(CHECKPOINT), cosig)).toBe(true);
    // The same key as a log key (type 0x01) has another key ID: its signatures are not cosignatures.
    expect(createNoteVerifier('witness.example/w1', w.publicKey).keyHint).not.toEqual(w.verifier.keyHint);
  });

  it('formats and parses type 0x04 vkeys, refusing other types and a wrong key ID', () => {
    const { verifier, publicKey } = witness();
    const vkey = formatCosignatureVerifierKey('witness.example/w1', publicKey);
    expect(vkey).toMatch(/^witness\.example\/w1\+[0-9a-f]{8}\+B[A-P]/); // base64 of 0x04 ‖ key: 000001 00xxxx
    const parsed = parseCosignatureVerifierKey(vkey);
    expect(parsed.keyHint).toEqual(verifier.keyHint);
    expect(errorCode(() => parseCosignatureVerifierKey(formatVerifierKey('witness.example/w1', publicKey)))).toBe('INVALID_KEY');
    const wrongId = vkey.replace(/\+([0-9a-f]{8})\+/, (_, h: string) => `+${h === '00000000' ? '00000001' : '00000000'}+`);
    expect(errorCode(() => parseCosignatureVerifierKey(wrongId))).toBe('INVALID_KEY');
    expect(errorCode(() => createCosignatureVerifier('w', createEphemeralSigner('ecdsa-p256').publicKey))).toBe('INVALID_KEY');
  });

  it('refuses timestamps beyond 2^63 - 1 and signatures of the wrong length', () => {
    const { verifier } = witness();
    const huge = new Uint8Array(72);
    huge[0] = 0x80;
    expect(verifier.verify(encoding.utf8(CHECKPOINT), huge)).toBe(false);
    expect(verifier.verify(encoding.utf8(CHECKPOINT), new Uint8Array(64))).toBe(false);
  });
});
