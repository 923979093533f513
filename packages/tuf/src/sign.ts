import { canonicalize } from '@tufjs/canonical-json';
import { Signature } from '@tufjs/models';
import { type Signer, encoding, verifySignature } from '@sigbox/core';
import { type AnyMetadata, type SignedDocument, toDocument, toMetadata } from './document.js';
import { TufError } from './error.js';
import { tufKey } from './key.js';

/**
 * Signs metadata with each signer (file keys, HSM keys: any core Signer) and serialises it. A signature is ECDSA
 * DER over SHA-256 of the OLPC canonical JSON of `signed`, hex in `sig` (TUF spec §4.2; tuf-js
 * `utils/verify.js`, go-tuf v0.7.0 `pkg/keys/ecdsa.go` VerifyASN1). Signatures already present are kept; a
 * signer whose key already signed replaces its own signature; a key listed twice signs once. `metadata` itself is not modified.
 */
export async function signMetadata(metadata: AnyMetadata, signers: readonly Signer[]): Promise<SignedDocument> {
  const copy = toMetadata({ role: metadata.signed.type as SignedDocument['role'], json: metadata.toJSON() });
  const data = encoding.utf8(canonicalize(copy.signed.toJSON()));
  // One at a time: an HSM session signs serially anyway, and a ceremony has a handful of keys.
  const signed = new Set<string>();
  for (const signer of signers) {
    const { keyId } = tufKey(signer.publicKey);
    if (signed.has(keyId)) continue;
    signed.add(keyId);
    const signature = await signer.sign(data);
    // Verify what we emit: a signer answering in P1363 or over the wrong bytes fails here, not in every client.
    if (!verifySignature(signer.publicKey, data, signature)) {
      throw new TufError('INVALID_SIGNATURE', `signer for key ${keyId} produced a signature that does not verify`);
    }
    copy.sign(() => new Signature({ keyID: keyId, sig: encoding.toHex(signature) }), true);
  }
  return toDocument(copy);
}

/**
 * Adds signatures to a document signed before: a threshold of offline keys signs at different times (each holder
 * adds theirs to the same bytes of `signed`).
 */
export async function addSignatures(doc: SignedDocument, signers: readonly Signer[]): Promise<SignedDocument> {
  return signMetadata(toMetadata(doc), signers);
}
