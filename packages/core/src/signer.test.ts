import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from './encoding.js';
import { CoreError } from './error.js';
import { type KeyAlgorithm, generatePrivateKey, keyAlgorithm, parsePrivateKey, parsePublicKey, privateKeyToPem, spkiDer } from './keys.js';
import { createEphemeralSigner, createKeySigner, loadFileSigner, loadOrCreateFileSigner, loadPrivateKey, verifySignature } from './signer.js';
import { toPem } from './pem.js';

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sigbox-core-'));
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const ALGORITHMS: KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519', 'rsa'];

describe('signers', () => {
  it.each(ALGORITHMS)('%s signs what node:crypto verifies, and nothing else', async (algorithm) => {
    const signer = createEphemeralSigner(algorithm);
    expect(signer.algorithm).toBe(algorithm);
    const data = utf8('checkpoint text\n');
    const sig = await signer.sign(data);
    expect(verifySignature(signer.publicKey, data, sig)).toBe(true);
    expect(verifySignature(signer.publicKey, utf8('checkpoint text'), sig)).toBe(false);
    expect(verifySignature(createEphemeralSigner(algorithm).publicKey, data, sig)).toBe(false);
  });

  it('ECDSA P-256 signatures are ASN.1 DER over SHA-256, as Sigstore clients expect', async () => {
    const signer = createEphemeralSigner('ecdsa-p256');
    const data = utf8('x');
    const sig = await signer.sign(data);
    expect(sig[0]).toBe(0x30);
    expect(crypto.verify('sha256', data, { key: signer.publicKey, dsaEncoding: 'der' }, sig)).toBe(true);
  });

  it('treats a malformed signature as invalid rather than throwing', () => {
    expect(verifySignature(createEphemeralSigner().publicKey, utf8('x'), new Uint8Array([1, 2, 3]))).toBe(false);
  });

  it('refuses to build a signer from a public key', () => {
    expect(() => createKeySigner(createEphemeralSigner().publicKey)).toThrow(CoreError);
  });
});

describe('keys', () => {
  it.each(ALGORITHMS)('parses PKCS#8 and SPKI PEM and DER for %s', (algorithm) => {
    const key = generatePrivateKey(algorithm);
    expect(keyAlgorithm(parsePrivateKey(privateKeyToPem(key)))).toBe(algorithm);
    const spki = spkiDer(key);
    expect(keyAlgorithm(parsePublicKey(spki))).toBe(algorithm);
    expect(spkiDer(parsePublicKey(toPem('PUBLIC KEY', spki)))).toEqual(spki);
  });

  it('decrypts an encrypted PKCS#8 key only with the right passphrase', () => {
    const pem = privateKeyToPem(generatePrivateKey('ecdsa-p256'), 'correct horse');
    expect(pem).toContain('ENCRYPTED PRIVATE KEY');
    expect(keyAlgorithm(parsePrivateKey(pem, 'correct horse'))).toBe('ecdsa-p256');
    expect(() => parsePrivateKey(pem, 'wrong')).toThrow(CoreError);
  });

  it('rejects unsupported curves and garbage', () => {
    const k1 = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(() => parsePrivateKey(k1.export({ format: 'pem', type: 'pkcs8' }) as string)).toThrow(/unsupported/);
    expect(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow(CoreError);
    expect(() => parsePublicKey(toPem('CERTIFICATE', new Uint8Array([1])))).toThrow(CoreError);
  });
});

describe('file signers', () => {
  it('creates a key once (mode 0600) and loads the same key afterwards', async () => {
    const file = path.join(tmp, 'keys', 'log.pem');
    const first = await loadOrCreateFileSigner(file, 'ecdsa-p256');
    const again = await loadOrCreateFileSigner(file, 'ecdsa-p256');
    expect(spkiDer(again.publicKey)).toEqual(spkiDer(first.publicKey));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('agrees on one key when two starts race', async () => {
    const file = path.join(tmp, 'race.pem');
    const signers = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateFileSigner(file, 'ed25519')));
    const keys = new Set(signers.map((s) => Buffer.from(spkiDer(s.publicKey)).toString('hex')));
    expect(keys.size).toBe(1);
  });

  it('loads an encrypted key file with its passphrase', async () => {
    const file = path.join(tmp, 'enc.pem');
    await fs.writeFile(file, privateKeyToPem(generatePrivateKey('ecdsa-p384'), 's3cret'));
    expect((await loadFileSigner(file, { passphrase: 's3cret' })).algorithm).toBe('ecdsa-p384');
    await expect(loadFileSigner(file, { passphrase: 'nope' })).rejects.toThrow(CoreError);
  });

  it('loads the private key itself, for a caller that hands it on (a worker thread)', async () => {
    const file = path.join(tmp, 'plain.pem');
    const key = generatePrivateKey('ecdsa-p256');
    await fs.writeFile(file, privateKeyToPem(key));
    const loaded = await loadPrivateKey(file);
    expect(loaded.type).toBe('private');
    expect(loaded.equals(key)).toBe(true);
    await expect(loadPrivateKey(path.join(tmp, 'absent.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
