import { encoding, sha256, toPem } from '@sigbox/core';
import { type X509Verifier, parseX509Verifier } from '../public-key.js';
import { HASH_ALGORITHM_NAME } from './key-details.js';
import type { VerifierV2 } from './verifier.js';

/** Index keys an entry carries at most, as v1's (proposed-entry.ts MAX_INDEX_KEYS). */
const MAX_KEYS = 256;

/**
 * The search keys of a verifier, in v1's form so one query finds entries of both logs: hex SHA-256 of the key as
 * v1 stores it (the canonical PEM; `/api/v1/index/retrieve`'s `publicKey` is hashed the same way), then the
 * certificate's SANs. rekor-tiles keeps no index at all (search is left to other services); Sigbox keeps one for
 * the explorer (issue 16).
 */
function verifierKeys(verifier: VerifierV2 | X509Verifier): string[] {
  try {
    // A verifier parsed for the signature check is used as it is; a stored one is read as v1 reads its PEM.
    const parsed = 'canonicalPem' in verifier ? verifier : parseX509Verifier(encoding.utf8(toPem(verifier.form === 'publicKey' ? 'PUBLIC KEY' : 'CERTIFICATE', verifier.rawBytes)));
    return [encoding.toHex(sha256(encoding.utf8(parsed.canonicalPem))), ...parsed.subjects()];
  } catch {
    return []; // already verified by the entry's checks; a key Node reads but the PEM reader does not is not indexed
  }
}

/**
 * The lower-cased, distinct search keys of a Rekor v2 entry: the artifact digest as `<alg>:<hex>` (hashedrekord's
 * digest, dsse's payload hash), then each verifier's keys. A verifier already parsed (v2/verifier.ts parseVerifier)
 * gives the same keys as its VerifierV2 without a second parse.
 */
export function rekorV2IndexKeys(digest: { algorithm: string; value: Uint8Array } | undefined, verifiers: readonly (VerifierV2 | X509Verifier)[]): string[] {
  const keys = [...(digest ? [`${digest.algorithm}:${encoding.toHex(digest.value)}`] : []), ...verifiers.flatMap(verifierKeys)];
  return [...new Set(keys.map((k) => k.toLowerCase()))].slice(0, MAX_KEYS);
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const DIGEST_OF_NAME: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(HASH_ALGORITHM_NAME).map(([digest, name]) => [name, digest]));

function leafVerifier(v: unknown): VerifierV2[] {
  const verifier = obj(v);
  const form = 'x509Certificate' in verifier ? 'x509Certificate' : 'publicKey' in verifier ? 'publicKey' : undefined;
  const raw = form && obj(verifier[form]).rawBytes;
  return form && typeof raw === 'string' ? [{ form, rawBytes: encoding.fromBase64(raw), keyDetails: String(verifier.keyDetails ?? '') }] : [];
}

function leafDigest(hash: unknown): { algorithm: string; value: Uint8Array } | undefined {
  const h = obj(hash);
  const algorithm = DIGEST_OF_NAME[String(h.algorithm)];
  return algorithm && typeof h.digest === 'string' ? { algorithm, value: encoding.fromBase64(h.digest) } : undefined;
}

/**
 * The search keys of a stored v2 leaf (the JSON `entryLeaf` wrote), for entries logged before the keys were stored
 * with them. The same keys as {@link rekorV2IndexKeys} gave the request; a leaf it cannot read has none.
 */
export function rekorV2IndexKeysOfLeaf(leaf: Uint8Array): string[] {
  try {
    const spec = obj(obj(JSON.parse(encoding.fromUtf8(leaf))).spec);
    if ('hashedRekordV002' in spec) {
      const v = obj(spec.hashedRekordV002);
      return rekorV2IndexKeys(leafDigest(v.data), leafVerifier(obj(v.signature).verifier));
    }
    if ('dsseV002' in spec) {
      const v = obj(spec.dsseV002);
      const signatures = Array.isArray(v.signatures) ? v.signatures : [];
      return rekorV2IndexKeys(leafDigest(v.payloadHash), signatures.flatMap((s) => leafVerifier(obj(s).verifier)));
    }
  } catch {
    // not JSON: no keys
  }
  return [];
}
