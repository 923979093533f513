import type { KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '@sigbox/core';
import type { DigestAlgorithm } from './prehashed.js';
import type { X509Verifier } from './public-key.js';
import { VerifyingKey } from './verifying-key.js';

// rekor pkg/api/api.go DefaultClientSigningAlgorithms, matched by sigstore AlgorithmRegistryConfig.IsAlgorithmPermitted:
// RSA PKCS#1 v1.5 2048/3072/4096 + SHA-256, ECDSA P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, Ed25519ph (SHA-512).
const RSA_PERMITTED_BITS = [2048, 3072, 4096];
const PERMITTED_HASH: Readonly<Record<KeyAlgorithm, DigestAlgorithm>> = {
  rsa: 'sha256',
  'ecdsa-p256': 'sha256',
  'ecdsa-p384': 'sha384',
  'ecdsa-p521': 'sha512',
  ed25519: 'sha512',
};

/**
 * The hashedrekord algorithm allow-list checked on insertion only (rekor pkg/api/entries.go
 * `checkEntryAlgorithms`); the client sees just `entry algorithms are not allowed`.
 */
export function assertAlgorithmAllowed(verifier: X509Verifier, hash: DigestAlgorithm): void {
  const alg = verifier.key.algorithm;
  const bitsOk = alg !== 'rsa' || RSA_PERMITTED_BITS.includes(verifier.key.modulusBits);
  if (!bitsOk || PERMITTED_HASH[alg] !== hash) throw new Error('entry algorithms are not allowed');
}

/**
 * Whether (key, digest) is on the list (sigstore `AlgorithmRegistryConfig.IsAlgorithmPermitted`); Rekor v2 has the
 * same default list (rekor-tiles internal/algorithmregistry). A key of no supported type is not permitted.
 */
export function isAlgorithmPermitted(publicKey: KeyObject | VerifyingKey, hash: DigestAlgorithm): boolean {
  const key = publicKey instanceof VerifyingKey ? publicKey : VerifyingKey.fromKeyObject(publicKey);
  let alg: KeyAlgorithm;
  try {
    alg = key.algorithm;
  } catch {
    return false;
  }
  const bitsOk = alg !== 'rsa' || RSA_PERMITTED_BITS.includes(key.modulusBits);
  return bitsOk && PERMITTED_HASH[alg] === hash;
}
