import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { type KeyAlgorithm, SIGNATURE_DIGEST } from '@sigbox/core';
import { HASHES, type HashName, OID } from './oids.js';

/** An AlgorithmIdentifier's NULL parameters, as asn1-schema takes a pre-encoded ANY. */
export const DER_NULL = Uint8Array.of(0x05, 0x00).buffer;

/**
 * The digest a SignerInfo names for a signer: the one `Signer.sign` applies (ECDSA by curve, RSA SHA-256), and
 * SHA-512 for Ed25519, whose CMS messageDigest is SHA-512 (RFC 8419 §3.1).
 */
export function signerDigest(algorithm: KeyAlgorithm): HashName {
  return SIGNATURE_DIGEST[algorithm] ?? 'sha512';
}

/** A digest AlgorithmIdentifier with absent parameters (RFC 5754 §2: absent is the preferred form). */
export function digestAlgorithmIdentifier(name: HashName): AlgorithmIdentifier {
  return new AlgorithmIdentifier({ algorithm: HASHES[name].oid });
}

/**
 * The signature AlgorithmIdentifier of what `Signer.sign` makes (core signer.ts): ECDSA by curve without
 * parameters (RFC 5758 §3.2), RSA PKCS#1 v1.5 SHA-256 with NULL (RFC 4055 §5), pure Ed25519 (RFC 8410 §3).
 */
export function signatureAlgorithmIdentifier(algorithm: KeyAlgorithm): AlgorithmIdentifier {
  switch (algorithm) {
    case 'ecdsa-p256':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 });
    case 'ecdsa-p384':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha384 });
    case 'ecdsa-p521':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha512 });
    case 'rsa':
      return new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: DER_NULL });
    case 'ed25519':
      return new AlgorithmIdentifier({ algorithm: OID.ed25519 });
  }
}
