import crypto from 'node:crypto';
import { createEphemeralSigner, encoding, sha256 } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { ctLogInstance, transparencyLogInstance } from './transparency-log.js';

const spki = (key: crypto.KeyObject) =>
  new Uint8Array((key.type === 'private' ? crypto.createPublicKey(key) : key).export({ format: 'der', type: 'spki' }));
const digestB64 = (der: Uint8Array) => crypto.createHash('sha256').update(der).digest('base64');

describe('transparencyLogInstance', () => {
  const signer = createEphemeralSigner('ecdsa-p256');
  const validFrom = new Date('2026-01-01T00:00:00.987Z');

  it('describes a log with every field sigstore-go requires', () => {
    const entry = transparencyLogInstance({ baseUrl: 'https://rekor.example.internal', publicKey: signer.publicKey, validFrom });
    expect(entry).toEqual({
      baseUrl: 'https://rekor.example.internal',
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: Buffer.from(spki(signer.publicKey)).toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2026-01-01T00:00:00Z' },
      },
      logId: { keyId: digestB64(spki(signer.publicKey)) },
    });
  });

  it('takes the public half of a private key', () => {
    const privateKey = crypto.generateKeyPairSync('ed25519').privateKey;
    const entry = transparencyLogInstance({ baseUrl: 'https://log.example', publicKey: privateKey, validFrom });
    expect(entry.publicKey.rawBytes).toBe(Buffer.from(spki(privateKey)).toString('base64'));
    expect(entry.publicKey.keyDetails).toBe('PKIX_ED25519');
  });

  it('lets a Rekor v2 log supply its checkpoint key ID as log ID', () => {
    const keyId = sha256(encoding.utf8('other'));
    const entry = transparencyLogInstance({ baseUrl: 'https://log2026-1.example', publicKey: signer.publicKey, validFrom, keyId });
    expect(entry.logId.keyId).toBe(encoding.toBase64(keyId));
    expect(entry.logId.keyId).not.toBe(digestB64(spki(signer.publicKey)));
  });

  it('records a retired key with its end', () => {
    const validUntil = new Date('2026-06-01T00:00:00Z');
    const entry = transparencyLogInstance({ baseUrl: 'https://rekor.example', publicKey: signer.publicKey, validFrom, validUntil });
    expect(entry.publicKey.validFor).toEqual({ start: '2026-01-01T00:00:00Z', end: '2026-06-01T00:00:00Z' });
  });

  it('normalises the base URL clients append paths to and rejects non-URLs', () => {
    const entry = transparencyLogInstance({ baseUrl: 'https://rekor.example/', publicKey: signer.publicKey, validFrom });
    expect(entry.baseUrl).toBe('https://rekor.example');
    for (const baseUrl of ['rekor.example', 'ftp://rekor.example', 'https://rekor.example/?q=1']) {
      expect(() => transparencyLogInstance({ baseUrl, publicKey: signer.publicKey, validFrom })).toThrow(
        expect.objectContaining({ code: 'INVALID_URL' }),
      );
    }
  });
});

describe('ctLogInstance', () => {
  it('uses the RFC 6962 LogID, SHA-256 of the DER SPKI', () => {
    const { publicKey } = createEphemeralSigner('ecdsa-p384');
    const entry = ctLogInstance({ baseUrl: 'https://ct.example/2026', publicKey, validFrom: new Date(0) });
    expect(entry.logId.keyId).toBe(digestB64(spki(publicKey)));
    expect(entry.publicKey.keyDetails).toBe('PKIX_ECDSA_P384_SHA_384');
    expect(entry.baseUrl).toBe('https://ct.example/2026');
  });
});
