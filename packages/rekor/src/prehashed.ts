import crypto, { type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { eddsa } from '@noble/curves/abstract/edwards.js';
import { bytesEqual, encoding } from '@sigbox/core';
import { verifyEcdsaDigest } from './ecdsa-digest.js';
import { VerifyingKey } from './verifying-key.js';

/** The digests a hashedrekord entry may carry (openapi.yaml HashedrekordV001Schema data.hash.algorithm). */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };
const GO_HASH_NAME: Readonly<Record<DigestAlgorithm, string>> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

// RFC 8017 §9.2 note 1: DER DigestInfo prefixes for EMSA-PKCS1-v1_5.
const DIGEST_INFO_PREFIX: Readonly<Record<DigestAlgorithm, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

// RFC 8032 §5.1: dom2(phflag=1, context="") for Ed25519ph.
const ED25519PH_DOMAIN_TAG = encoding.utf8('SigEd25519 no Ed25519 collisions');
const sha512 = Object.assign((m: Uint8Array) => encoding.asBytes(crypto.hash('sha512', m, 'buffer')), { outputLen: 64, blockLen: 128 });
/**
 * Ed25519ph over a digest the client already computed: noble's ed25519ph with the identity as prehash, and
 * cofactorless (non-ZIP-215) checks like Go's crypto/ed25519.
 */
const ed25519phDigest = eddsa(ed25519.Point, sha512 as never, {
  domain: (data: Uint8Array, ctx: Uint8Array, phflag: boolean) =>
    encoding.concatBytes(ED25519PH_DOMAIN_TAG, new Uint8Array([phflag ? 1 : 0, ctx.length]), ctx, data),
  prehash: (m: Uint8Array) => m,
  zip215: false,
});

function verifyRsa(key: KeyObject, alg: DigestAlgorithm, digest: Uint8Array, sig: Uint8Array): void {
  // Go rsa.VerifyPKCS1v15 wants exactly k bytes; publicDecrypt checks the 00 01 FF.. 00 padding.
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  let em: Uint8Array | undefined;
  if (sig.length === k) {
    try {
      em = crypto.publicDecrypt({ key, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
    } catch {
      em = undefined;
    }
  }
  const expected = encoding.concatBytes(encoding.fromHex(DIGEST_INFO_PREFIX[alg]), digest);
  if (em === undefined || !bytesEqual(em, expected)) throw new Error('crypto/rsa: verification error');
}

/**
 * Verifies `sig` over an already computed digest, as sigstore's verifiers do with `options.WithDigest`:
 * ECDSA (any curve, any of the digests), RSA PKCS#1 v1.5, Ed25519ph (SHA-512 only). Node cannot verify over a
 * digest, hence noble for ECDSA and Ed25519ph. Rejects with sigstore's error text on failure.
 */
export async function verifyPrehashed(publicKey: KeyObject | VerifyingKey, alg: DigestAlgorithm, digest: Uint8Array, sig: Uint8Array): Promise<void> {
  if (sig.length === 0) throw new Error('X509 signature has not been initialized');
  const key = publicKey instanceof VerifyingKey ? publicKey : VerifyingKey.fromKeyObject(publicKey);
  let keyAlg;
  try {
    keyAlg = key.algorithm;
  } catch {
    throw new Error('unsupported public key type'); // sigstore LoadVerifierWithOpts
  }
  if (digest.length !== DIGEST_LENGTH[alg]) throw new Error('unexpected length of digest for hash function specified');
  if (keyAlg === 'rsa') return verifyRsa(key.keyObject, alg, digest, sig);
  if (keyAlg === 'ed25519') {
    if (alg !== 'sha512') throw new Error(`unsupported hash algorithm: "${GO_HASH_NAME[alg]}" not in [SHA-512]`);
    const pub = encoding.fromBase64Url(key.keyObject.export({ format: 'jwk' }).x ?? '');
    if (sig.length !== 64 || !safe(() => ed25519phDigest.verify(sig, digest, pub))) {
      throw new Error('failed to verify signature: ed25519: invalid signature');
    }
    return;
  }
  if (!(await verifyEcdsaDigest(key, digest, sig))) throw new Error('invalid signature when validating ASN.1 encoded signature');
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
