import type { DigestAlgorithm } from '../prehashed.js';

/**
 * The `PublicKeyDetails` a v2 entry may name and the digest each implies: rekor-tiles
 * internal/algorithmregistry `AllowedClientSigningAlgorithms` (at 74e3eb0e9b4203ee30912eb35c3467c551ef37c9) with
 * sigstore `signature.GetAlgorithmDetails`'s hash per algorithm. Pure Ed25519 (`PKIX_ED25519`) has no digest and is
 * refused (hashedrekord.go ToLogEntry); RSA-PSS and the rest are outside the list. Upstream checks only the
 * (key, digest) pair against the registry; requiring the name to be listed as well refuses the same requests
 * except a PSS name over a PKCS#1 v1.5 signature, which no client sends.
 */
export const KEY_DETAILS_DIGEST: Readonly<Record<string, DigestAlgorithm>> = {
  PKIX_RSA_PKCS1V15_2048_SHA256: 'sha256',
  PKIX_RSA_PKCS1V15_3072_SHA256: 'sha256',
  PKIX_RSA_PKCS1V15_4096_SHA256: 'sha256',
  PKIX_ECDSA_P256_SHA_256: 'sha256',
  PKIX_ECDSA_P384_SHA_384: 'sha384',
  PKIX_ECDSA_P521_SHA_512: 'sha512',
  PKIX_ED25519_PH: 'sha512',
};

/** protobuf-specs `HashAlgorithm` names, as `data.algorithm` carries them. */
export const HASH_ALGORITHM_NAME: Readonly<Record<DigestAlgorithm, string>> = {
  sha256: 'SHA2_256',
  sha384: 'SHA2_384',
  sha512: 'SHA2_512',
};

/** The digest `keyDetails` implies, or an Error naming why it is refused. */
export function digestOfKeyDetails(keyDetails: string): DigestAlgorithm {
  const digest = Object.hasOwn(KEY_DETAILS_DIGEST, keyDetails) ? KEY_DETAILS_DIGEST[keyDetails] : undefined;
  if (digest === undefined) throw new Error(`unsupported key details ${JSON.stringify(keyDetails)}`);
  return digest;
}
