import crypto, { type KeyObject } from 'node:crypto';
import { canonicalize, encoding, keyAlgorithm, SIGNATURE_DIGEST, type Signer } from '@sigbox/core';
import { RekorError } from './errors.js';
import { toJsonInteger } from './json-integer.js';

/** The fields a Signed Entry Timestamp covers (rekor pkg/api/entries.go `signEntry` over LogEntryAnon). */
export interface EntryTimestampFields {
  /** Standard base64 of the canonical body, exactly as in the LogEntry. */
  body: string;
  /** Unix seconds at integration. */
  integratedTime: number | bigint;
  /** Lowercase hex log ID. */
  logID: string;
  /** Global (virtual) log index. */
  logIndex: number | bigint;
}

/** The signed bytes: RFC 8785 JCS of `{"body","integratedTime","logID","logIndex"}` (rekor `signEntry` at v1.5.4). */
export function entryTimestampPayload(fields: EntryTimestampFields): Uint8Array {
  const payload = {
    body: fields.body,
    integratedTime: toJsonInteger(fields.integratedTime, 'integratedTime'),
    logID: fields.logID,
    logIndex: toJsonInteger(fields.logIndex, 'logIndex'),
  };
  return encoding.utf8(canonicalize(payload));
}

function isEcdsa(algorithm: string): boolean {
  return algorithm.startsWith('ecdsa-');
}

/**
 * Signs a SET payload: ASN.1 DER ECDSA over the curve's digest. Only ECDSA keys: sigstore-go `VerifySET`
 * rejects anything else, so another signer is a configuration error.
 */
export async function signEntryTimestamp(payload: Uint8Array, signer: Signer): Promise<Uint8Array> {
  if (!isEcdsa(signer.algorithm)) throw new RekorError('UNSUPPORTED_SIGNER', `signed entry timestamps need an ECDSA log key, not ${signer.algorithm}`);
  return signer.sign(payload);
}

/** Verifies a SET as clients do (rekor pkg/verify VerifySignedEntryTimestamp): ECDSA key, DER signature. */
export function verifyEntryTimestamp(fields: EntryTimestampFields, signature: Uint8Array, publicKey: KeyObject): boolean {
  let algorithm;
  try {
    algorithm = keyAlgorithm(publicKey);
  } catch {
    return false;
  }
  if (!isEcdsa(algorithm)) return false;
  try {
    return crypto.verify(SIGNATURE_DIGEST[algorithm], entryTimestampPayload(fields), publicKey, signature);
  } catch {
    return false;
  }
}
