import { encoding, sha256, toPem } from '@sigbox/core';
import { parseX509Verifier } from '../public-key.js';
import type { VerifierV2 } from './verifier.js';

/** Index keys an entry carries at most, as v1's (proposed-entry.ts MAX_INDEX_KEYS). */
const MAX_KEYS = 256;

/**
 * The search keys of a verifier, in v1's form so one query finds entries of both logs: hex SHA-256 of the key as
 * v1 stores it (the canonical PEM; `/api/v1/index/retrieve`'s `publicKey` is hashed the same way), then the
 * certificate's SANs. rekor-tiles keeps no index at all (search is left to other services); Sigbox keeps one for
 * the explorer (issue 16).
 */
function verifierKeys(verifier: VerifierV2): string[] {
  const pem = toPem(verifier.form === 'publicKey' ? 'PUBLIC KEY' : 'CERTIFICATE', verifier.rawBytes);
  try {
    const parsed = parseX509Verifier(encoding.utf8(pem));
    return [encoding.toHex(sha256(encoding.utf8(parsed.canonicalPem))), ...parsed.subjects()];
  } catch {
    return []; // already verified by the entry's checks; a key Node reads but the PEM reader does not is not indexed
  }
}

/**
 * The lower-cased, distinct search keys of a Rekor v2 entry: the artifact digest as `<alg>:<hex>` (hashedrekord's
 * digest, dsse's payload hash), then each verifier's keys.
 */
export function rekorV2IndexKeys(digest: { algorithm: string; value: Uint8Array } | undefined, verifiers: readonly VerifierV2[]): string[] {
  const keys = [...(digest ? [`${digest.algorithm}:${encoding.toHex(digest.value)}`] : []), ...verifiers.flatMap(verifierKeys)];
  return [...new Set(keys.map((k) => k.toLowerCase()))].slice(0, MAX_KEYS);
}
