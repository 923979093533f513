import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type KeyAlgorithm, createEphemeralSigner, spkiDer } from '@sigbox/core';
import { verifyProofOfPossession } from './pop.js';

const CHALLENGE = 'alice@example.com';

describe('verifyProofOfPossession', () => {
  it.each<[KeyAlgorithm, string | null]>([
    ['ecdsa-p256', 'sha256'],
    ['ecdsa-p384', 'sha384'],
    ['ecdsa-p521', 'sha512'],
    ['rsa', 'sha256'],
    ['ed25519', null],
  ])('accepts a %s signature over the challenge (hash %s) and rejects one over another challenge', async (algorithm, hash) => {
    const signer = createEphemeralSigner(algorithm);
    const spki = spkiDer(signer.publicKey);
    const signature = await signer.sign(Buffer.from(CHALLENGE));
    expect(verifyProofOfPossession(spki, CHALLENGE, signature)).toEqual({ hash });
    expect(() => verifyProofOfPossession(spki, 'mallory@example.com', signature)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it('uses the hash the key implies: a P-384 signature made with SHA-256 does not verify', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const signature = crypto.sign('sha256', Buffer.from(CHALLENGE), privateKey);
    expect(() => verifyProofOfPossession(spkiDer(publicKey), CHALLENGE, signature)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
  });

  it('accepts IEEE-P1363 r‖s ECDSA signatures as sigstore ≥ v1.8.3 does', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = crypto.sign('sha256', Buffer.from(CHALLENGE), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(signature.length).toBe(64);
    expect(verifyProofOfPossession(spkiDer(publicKey), CHALLENGE, signature)).toEqual({ hash: 'sha256' });
  });

  it('rejects RSA-PSS where PKCS#1 v1.5 is expected, empty signatures, and weak keys before looking at the signature', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pss = crypto.sign('sha256', Buffer.from(CHALLENGE), { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING });
    expect(() => verifyProofOfPossession(spkiDer(publicKey), CHALLENGE, pss)).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
    expect(() => verifyProofOfPossession(spkiDer(publicKey), CHALLENGE, new Uint8Array())).toThrow(expect.objectContaining({ code: 'INVALID_SIGNATURE' }));
    const weak = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const good = crypto.sign('sha256', Buffer.from(CHALLENGE), weak.privateKey);
    expect(() => verifyProofOfPossession(spkiDer(weak.publicKey), CHALLENGE, good)).toThrow(expect.objectContaining({ code: 'INSECURE_KEY' }));
  });
});
