import type { KeyObject } from 'node:crypto';
import { keyAlgorithm, type KeyAlgorithm } from '@sigbox/core';
import { TrustError } from './error.js';
import type { PublicKeyDetails } from './types.js';

// protobuf-specs sigstore_common.proto PublicKeyDetails: ECDSA names fix the curve's digest, Ed25519 is pure.
const FIXED_DETAILS: Readonly<Record<Exclude<KeyAlgorithm, 'rsa'>, PublicKeyDetails>> = {
  'ecdsa-p256': 'PKIX_ECDSA_P256_SHA_256',
  'ecdsa-p384': 'PKIX_ECDSA_P384_SHA_384',
  'ecdsa-p521': 'PKIX_ECDSA_P521_SHA_512',
  ed25519: 'PKIX_ED25519',
};

// RSA PKCS#1 v1.5 with SHA-256 exists in the enum for these moduli only; other sizes have no name clients know.
const RSA_DETAILS: ReadonlyMap<number, PublicKeyDetails> = new Map([
  [2048, 'PKIX_RSA_PKCS1V15_2048_SHA256'],
  [3072, 'PKIX_RSA_PKCS1V15_3072_SHA256'],
  [4096, 'PKIX_RSA_PKCS1V15_4096_SHA256'],
]);

/**
 * The `keyDetails` enum name for a key, as sigstore-go reads it to pick the verifier (`ParseTransparencyLogs`).
 *
 * @example publicKeyDetails(createEphemeralSigner('ecdsa-p256').publicKey) // 'PKIX_ECDSA_P256_SHA_256'
 */
export function publicKeyDetails(key: KeyObject): PublicKeyDetails {
  let algorithm: KeyAlgorithm;
  try {
    algorithm = keyAlgorithm(key);
  } catch (cause) {
    throw new TrustError('UNSUPPORTED_KEY', 'key type has no trusted-root key details', { cause });
  }
  if (algorithm !== 'rsa') return FIXED_DETAILS[algorithm];
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const details = RSA_DETAILS.get(bits);
  if (details === undefined) {
    throw new TrustError('UNSUPPORTED_KEY', `RSA modulus of ${bits} bits has no trusted-root key details`, { details: { bits } });
  }
  return details;
}
