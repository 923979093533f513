import crypto from 'node:crypto';
import { encoding, keyAlgorithm, spkiDer } from '@sigbox/core';
import { type Digest, type TestKey, b64, signArtifact } from './rekor-entries.js';

/** The key details sigstore clients send for a key (sigstore-go `GetDefaultAlgorithmDetails(…, WithED25519ph)`). */
export function defaultKeyDetails(key: TestKey): string {
  const alg = keyAlgorithm(key.publicKey);
  if (alg === 'ed25519') return 'PKIX_ED25519_PH';
  if (alg === 'ecdsa-p256') return 'PKIX_ECDSA_P256_SHA_256';
  if (alg === 'ecdsa-p384') return 'PKIX_ECDSA_P384_SHA_384';
  if (alg === 'ecdsa-p521') return 'PKIX_ECDSA_P521_SHA_512';
  return `PKIX_RSA_PKCS1V15_${key.publicKey.asymmetricKeyDetails?.modulusLength ?? 0}_SHA256`;
}

const DIGEST_OF: Record<string, Digest> = { PKIX_ED25519_PH: 'sha512', PKIX_ECDSA_P384_SHA_384: 'sha384', PKIX_ECDSA_P521_SHA_512: 'sha512' };

export interface V2RequestOptions {
  /** DER certificate to send instead of the bare key. */
  certificate?: Uint8Array;
  keyDetails?: string;
}

function verifierOf(key: TestKey, options: V2RequestOptions) {
  const keyDetails = options.keyDetails ?? defaultKeyDetails(key);
  const material = options.certificate ? { x509Certificate: { rawBytes: b64(options.certificate) } } : { publicKey: { rawBytes: b64(spkiDer(key.publicKey)) } };
  return { ...material, keyDetails };
}

/**
 * A Rekor v2 `CreateEntryRequest` for `artifact` signed by `key`, as sigstore-js / sigstore-go send it (lowerCamel
 * protojson): the digest by the key details' hash, the signature over it.
 */
export function hashedRekordV2Request(key: TestKey, artifact: Uint8Array, options: V2RequestOptions = {}) {
  const verifier = verifierOf(key, options);
  const digest = DIGEST_OF[verifier.keyDetails] ?? 'sha256';
  return {
    hashedRekordRequestV002: {
      digest: b64(encoding.asBytes(crypto.hash(digest, artifact, 'buffer'))),
      signature: { content: b64(signArtifact(key, artifact, digest)), verifier },
    },
  };
}

/** A `dsseRequestV002` as sigstore-js 4.x sends an attestation: the envelope and one verifier per key. */
export function dsseV2Request(envelope: { payloadType: string; payload: string; signatures: Array<{ keyid: string; sig: string }> }, keys: readonly TestKey[]) {
  return { dsseRequestV002: { envelope, verifiers: keys.map((k) => verifierOf(k, {})) } };
}
