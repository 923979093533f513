import crypto from 'node:crypto';
import { SIGNATURE_DIGEST } from '@sigbox/core';
import { X509Error } from './error.js';
import { checkKeyStrength } from './key-strength.js';

/**
 * Checks the proof of possession of a `publicKeyRequest` (ca-fulcio §2.1): a signature over the UTF-8 bytes of the
 * challenge (the email or `sub` the principal names). The key is vetted first, as fulcio does (ValidatePubKey
 * before the signature). The hash follows the key (sigstore signature.GetDefaultAlgorithmDetails, fulcio ≥ v1.7.0
 * #1959): SHA-256/384/512 for P-256/384/521, PKCS#1 v1.5 SHA-256 for RSA, pure Ed25519. ECDSA signatures are
 * ASN.1 DER; IEEE-P1363 r‖s is accepted as a fallback like sigstore's ECDSAVerifier (≥ v1.8.3).
 *
 * @returns the digest the key signs with, for the caller's algorithm policy.
 * @throws X509Error INVALID_KEY / INSECURE_KEY for the key, INVALID_SIGNATURE when the proof does not verify.
 */
export function verifyProofOfPossession(publicKeySpki: Uint8Array, challenge: string, signature: Uint8Array): { hash: 'sha256' | 'sha384' | 'sha512' | null } {
  const { publicKey, algorithm } = checkKeyStrength(publicKeySpki);
  const hash = SIGNATURE_DIGEST[algorithm];
  const data = Buffer.from(challenge, 'utf8');
  const attempt = (dsaEncoding?: 'der' | 'ieee-p1363'): boolean => {
    try {
      return crypto.verify(hash, data, dsaEncoding ? { key: publicKey, dsaEncoding } : publicKey, signature);
    } catch {
      return false;
    }
  };
  const isEcdsa = algorithm.startsWith('ecdsa');
  const ok = isEcdsa ? attempt('der') || attempt('ieee-p1363') : attempt();
  if (!ok) throw new X509Error('INVALID_SIGNATURE', 'the proof of possession does not verify');
  return { hash };
}
