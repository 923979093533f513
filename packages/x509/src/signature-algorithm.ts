import { type KeyAlgorithm, bytesEqual } from '@sigbox/core';
import { DER_NULL, encode, oid, sequence } from './der.js';
import { OID } from './oids.js';

type Hash = 'sha256' | 'sha384' | 'sha512' | null;

/**
 * The AlgorithmIdentifier a CA key signs under, matching what core `Signer.sign` produces: ECDSA by curve
 * (RFC 5758 §3.2, no parameters), RSA PKCS#1 v1.5 SHA-256 (RFC 4055 §5, NULL parameters), pure Ed25519 (RFC 8410 §3).
 */
export function signatureAlgorithmFor(algorithm: KeyAlgorithm): Uint8Array {
  return encode(algorithmIdentifier(algorithm));
}

function algorithmIdentifier(algorithm: KeyAlgorithm) {
  switch (algorithm) {
    case 'ecdsa-p256':
      return sequence(oid(OID.ecdsaWithSha256));
    case 'ecdsa-p384':
      return sequence(oid(OID.ecdsaWithSha384));
    case 'ecdsa-p521':
      return sequence(oid(OID.ecdsaWithSha512));
    case 'rsa':
      return sequence(oid(OID.sha256WithRsa), DER_NULL);
    case 'ed25519':
      return sequence(oid(OID.ed25519));
  }
}

/** Signature algorithms accepted on CSRs, with the digest each implies (fulcio pkg/server: hash from the CSR). */
export const CSR_SIGNATURE_ALGORITHMS: Readonly<Record<string, { key: 'ec' | 'rsa' | 'ed25519'; hash: Hash }>> = {
  [OID.ecdsaWithSha256]: { key: 'ec', hash: 'sha256' },
  [OID.ecdsaWithSha384]: { key: 'ec', hash: 'sha384' },
  [OID.ecdsaWithSha512]: { key: 'ec', hash: 'sha512' },
  [OID.sha256WithRsa]: { key: 'rsa', hash: 'sha256' },
  [OID.sha384WithRsa]: { key: 'rsa', hash: 'sha384' },
  [OID.sha512WithRsa]: { key: 'rsa', hash: 'sha512' },
  [OID.ed25519]: { key: 'ed25519', hash: null },
};

/** How `crypto.verify` checks a signature: the key type it needs (KeyObject.asymmetricKeyType) and the digest. */
export interface SignatureCheck {
  keyType: 'ec' | 'rsa' | 'ed25519';
  hash: Hash;
}

// One DER encoding each: ECDSA and Ed25519 without parameters (RFC 5758 §3.2, RFC 8410 §3), RSA with NULL (RFC 4055 §5).
const CERTIFICATE_SIGNATURE_ALGORITHMS = Object.entries(CSR_SIGNATURE_ALGORITHMS).map(([dotted, { key, hash }]) => ({
  der: encode(key === 'rsa' ? sequence(oid(dotted), DER_NULL) : sequence(oid(dotted))),
  check: { keyType: key, hash } satisfies SignatureCheck,
}));

/**
 * The check for a certificate signed under `algorithmIdentifier` (DER), for the algorithms of
 * CSR_SIGNATURE_ALGORITHMS in their one DER encoding; undefined for anything else (RSA-PSS, whose parameters
 * choose the digest; RSA without its NULL; any other parameters), which only a full X.509 verifier can judge.
 */
export function certificateSignatureCheck(algorithmIdentifier: Uint8Array): SignatureCheck | undefined {
  return CERTIFICATE_SIGNATURE_ALGORITHMS.find(({ der }) => bytesEqual(der, algorithmIdentifier))?.check;
}
