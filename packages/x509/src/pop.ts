import crypto, { type KeyObject } from 'node:crypto';
import { SIGNATURE_DIGEST } from '@sigbox/core';
import { X509Error } from './error.js';
import { checkKeyStrength } from './key-strength.js';

type Digest = 'sha256' | 'sha384' | 'sha512' | null;
type Encoding = 'der' | 'ieee-p1363' | undefined;

/** What a proof of possession is checked with: the vetted key, its digest, the signature encodings to try in order. */
interface PopCheck {
  publicKey: KeyObject;
  hash: Digest;
  encodings: readonly Encoding[];
  data: Buffer;
}

// ECDSA: DER as clients send it, then IEEE-P1363 r‖s like sigstore's ECDSAVerifier (≥ v1.8.3). Others: one try.
const ECDSA_ENCODINGS: readonly Encoding[] = ['der', 'ieee-p1363'];
const SINGLE_ENCODING: readonly Encoding[] = [undefined];

function popCheck(key: Uint8Array | KeyObject, challenge: string): PopCheck {
  const { publicKey, algorithm } = checkKeyStrength(key);
  return {
    publicKey,
    hash: SIGNATURE_DIGEST[algorithm],
    encodings: algorithm.startsWith('ecdsa') ? ECDSA_ENCODINGS : SINGLE_ENCODING,
    data: Buffer.from(challenge, 'utf8'),
  };
}

// DER is node's default: the bare KeyObject skips the option object's extra key preparation.
const keyInput = (publicKey: KeyObject, encoding: Encoding) => (encoding === 'ieee-p1363' ? { key: publicKey, dsaEncoding: encoding } : publicKey);

const refused = (): X509Error => new X509Error('INVALID_SIGNATURE', 'the proof of possession does not verify');

/**
 * Checks the proof of possession of a `publicKeyRequest` (fulcio pkg/server/grpc_server.go at v1.8.8): a signature
 * over the UTF-8 bytes of the challenge (the email or `sub` the principal names). The key is vetted first, as fulcio
 * does (ValidatePubKey before the signature). The hash follows the key (sigstore
 * signature.GetDefaultAlgorithmDetails, fulcio ≥ v1.7.0 #1959): SHA-256/384/512 for P-256/384/521, PKCS#1 v1.5
 * SHA-256 for RSA, pure Ed25519. ECDSA signatures are ASN.1 DER; IEEE-P1363 r‖s is accepted as a fallback like
 * sigstore's ECDSAVerifier (≥ v1.8.3).
 *
 * @param key the SPKI, or a key already parsed (it is vetted either way).
 * @returns the digest the key signs with, for the caller's algorithm policy.
 * @throws X509Error INVALID_KEY / INSECURE_KEY for the key, INVALID_SIGNATURE when the proof does not verify.
 */
export function verifyProofOfPossession(key: Uint8Array | KeyObject, challenge: string, signature: Uint8Array): { hash: Digest } {
  const check = popCheck(key, challenge);
  const attempt = (encoding: Encoding): boolean => {
    try {
      return crypto.verify(check.hash, check.data, keyInput(check.publicKey, encoding), signature);
    } catch {
      return false;
    }
  };
  if (!check.encodings.some(attempt)) throw refused();
  return { hash: check.hash };
}

function verifyOnThreadPool(check: PopCheck, encoding: Encoding, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      crypto.verify(check.hash, check.data, keyInput(check.publicKey, encoding), signature, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false); // argument errors throw synchronously; like the sync path, they are a failed proof
    }
  });
}

/**
 * {@link verifyProofOfPossession} with the signature checked on libuv's thread pool (callback `crypto.verify`),
 * so an HTTP server's event loop only prepares the job: same key vetting (synchronous, first), same digests, same
 * encodings tried in the same order, same errors.
 */
export async function verifyProofOfPossessionAsync(key: Uint8Array | KeyObject, challenge: string, signature: Uint8Array): Promise<{ hash: Digest }> {
  const check = popCheck(key, challenge);
  for (const encoding of check.encodings) {
    if (await verifyOnThreadPool(check, encoding, signature)) return { hash: check.hash };
  }
  throw refused();
}
