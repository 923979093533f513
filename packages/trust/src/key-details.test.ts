import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { generatePrivateKey } from '@sigbox/core';
import { describe, expect, it } from 'vitest';
import { publicKeyDetails } from './key-details.js';

const generateKeyPair = promisify(crypto.generateKeyPair);
const rsaPublicKey = async (modulusLength: number) => (await generateKeyPair('rsa', { modulusLength })).publicKey;

describe('publicKeyDetails', () => {
  it.each([
    ['ecdsa-p256', 'PKIX_ECDSA_P256_SHA_256'],
    ['ecdsa-p384', 'PKIX_ECDSA_P384_SHA_384'],
    ['ecdsa-p521', 'PKIX_ECDSA_P521_SHA_512'],
    ['ed25519', 'PKIX_ED25519'],
  ] as const)('names %s keys %s, public or private', (algorithm, expected) => {
    const privateKey = generatePrivateKey(algorithm);
    expect(publicKeyDetails(privateKey)).toBe(expected);
    expect(publicKeyDetails(crypto.createPublicKey(privateKey))).toBe(expected);
  });

  it('names RSA keys by modulus', async () => {
    const [k2048, k3072, k4096] = await Promise.all([2048, 3072, 4096].map(rsaPublicKey));
    expect(publicKeyDetails(k2048 as crypto.KeyObject)).toBe('PKIX_RSA_PKCS1V15_2048_SHA256');
    expect(publicKeyDetails(k3072 as crypto.KeyObject)).toBe('PKIX_RSA_PKCS1V15_3072_SHA256');
    expect(publicKeyDetails(k4096 as crypto.KeyObject)).toBe('PKIX_RSA_PKCS1V15_4096_SHA256');
  });

  it('refuses RSA moduli the enum has no name for', async () => {
    expect(() => publicKeyDetails(crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_KEY' }),
    );
  });

  it('refuses key types clients cannot verify with', () => {
    const k1 = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    const ed448 = crypto.generateKeyPairSync('ed448').publicKey;
    expect(() => publicKeyDetails(k1)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_KEY' }));
    expect(() => publicKeyDetails(ed448)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_KEY' }));
  });
});
