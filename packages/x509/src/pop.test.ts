import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type KeyAlgorithm, createEphemeralSigner, spkiDer } from '@sigbox/core';
import { verifyProofOfPossession, verifyProofOfPossessionAsync } from './pop.js';

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

describe('verifyProofOfPossessionAsync (thread pool): the same answers as the synchronous check', () => {
  const P256 = () => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sign = (privateKey: crypto.KeyObject, options: object = {}, hash: string | null = 'sha256') => crypto.sign(hash, Buffer.from(CHALLENGE), { key: privateKey, ...options });
  const cases: Array<[string, () => { key: Uint8Array | crypto.KeyObject; signature: Uint8Array }]> = [
    ['P-256 DER', () => { const k = P256(); return { key: spkiDer(k.publicKey), signature: sign(k.privateKey) }; }],
    ['P-256 IEEE-P1363', () => { const k = P256(); return { key: spkiDer(k.publicKey), signature: sign(k.privateKey, { dsaEncoding: 'ieee-p1363' }) }; }],
    ['P-256 as a KeyObject', () => { const k = P256(); return { key: k.publicKey, signature: sign(k.privateKey) }; }],
    ['P-256 over another challenge', () => { const k = P256(); return { key: k.publicKey, signature: crypto.sign('sha256', Buffer.from('mallory@example.com'), k.privateKey) }; }],
    ['P-256 DER with a flipped byte', () => { const k = P256(); const s = sign(k.privateKey); s[10]! ^= 1; return { key: k.publicKey, signature: s }; }],
    ['P-256 garbage', () => ({ key: P256().publicKey, signature: Uint8Array.of(0x30, 0x02, 0x01) })],
    ['P-384 signed with SHA-256', () => { const k = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }); return { key: k.publicKey, signature: sign(k.privateKey) }; }],
    ['P-521', () => { const k = crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }); return { key: k.publicKey, signature: sign(k.privateKey, {}, 'sha512') }; }],
    ['Ed25519', () => { const k = crypto.generateKeyPairSync('ed25519'); return { key: k.publicKey, signature: sign(k.privateKey, {}, null) }; }],
    ['RSA PKCS#1 v1.5', () => { const k = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }); return { key: k.publicKey, signature: sign(k.privateKey) }; }],
    ['RSA-PSS', () => { const k = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }); return { key: k.publicKey, signature: sign(k.privateKey, { padding: crypto.constants.RSA_PKCS1_PSS_PADDING }) }; }],
    ['empty signature', () => ({ key: P256().publicKey, signature: new Uint8Array() })],
    ['secp256k1 (insecure key)', () => { const k = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }); return { key: k.publicKey, signature: sign(k.privateKey) }; }],
    ['not an SPKI', () => ({ key: Uint8Array.of(0x30, 0x03, 1, 2, 3), signature: new Uint8Array(64) })],
  ];

  it.each(cases)('%s', async (_name, make) => {
    const { key, signature } = make();
    const outcome = (run: () => unknown) => { try { return { ok: run() }; } catch (err) { return { code: (err as { code?: string }).code }; } };
    const expected = outcome(() => verifyProofOfPossession(key, CHALLENGE, signature));
    const actual = await verifyProofOfPossessionAsync(key, CHALLENGE, signature).then((ok) => ({ ok }), (err: { code?: string }) => ({ code: err.code }));
    expect(actual).toEqual(expected);
  });

  it('accepts and refuses at least one case each (the comparison above is not vacuous)', async () => {
    const k = P256();
    await expect(verifyProofOfPossessionAsync(k.publicKey, CHALLENGE, sign(k.privateKey, { dsaEncoding: 'ieee-p1363' }))).resolves.toEqual({ hash: 'sha256' });
    await expect(verifyProofOfPossessionAsync(k.publicKey, 'mallory@example.com', sign(k.privateKey))).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
  });
});
