import { isAlgorithmPermitted } from '../algorithm-policy.js';
import { DIGEST_LENGTH, verifyPrehashed } from '../prehashed.js';
import { HASH_ALGORITHM_NAME, digestOfKeyDetails } from './key-details.js';
import { type MessageFields, readBytes, readMessage } from './proto-json.js';
import type { X509Verifier } from '../public-key.js';
import { type SignatureV2, parseVerifier, readSignature, signatureJson } from './verifier.js';

/** A verified hashedrekord 0.0.2 request: what goes into its leaf. */
export interface HashedRekordV002 {
  readonly digest: Uint8Array;
  readonly signature: SignatureV2;
  /** The signature's verifier as parsed for the check, for the search keys (index-keys.ts). */
  readonly verifier: X509Verifier;
}

const REQUEST: MessageFields = { digest: 'digest', signature: 'signature' };

/**
 * Reads and verifies a `HashedRekordRequestV002` as rekor-tiles pkg/types/hashedrekord `ToLogEntry` does (at
 * 74e3eb0e9b4203ee30912eb35c3467c551ef37c9): signature, verifier and digest present; the verifier parses; its key
 * details are allowed and, with the key, on the algorithm list; the digest is as long as that hash; the signature
 * verifies over the digest (ECDSA, RSA PKCS#1 v1.5, Ed25519ph — sigstore `LoadVerifierWithOpts(WithED25519ph)` +
 * `WithDigest`). Throws an Error with the detail upstream logs.
 */
export async function verifyHashedRekordRequest(value: unknown): Promise<HashedRekordV002> {
  const message = readMessage(value, REQUEST, 'hashedRekordRequestV002');
  if (!message.has('signature')) throw new Error('missing signature');
  const signature = readSignature(message.get('signature'), 'signature');
  const digest = readBytes(message.get('digest'), 'digest');
  if (digest.length === 0) throw new Error('missing digest');
  const verifier = parseVerifier(signature.verifier);
  const { key } = verifier;
  const hash = digestOfKeyDetails(signature.verifier.keyDetails);
  if (!isAlgorithmPermitted(key, hash)) throw new Error(`unsupported entry algorithm for key, digest ${hash}`);
  if (digest.length !== DIGEST_LENGTH[hash]) throw new Error(`digest length (${digest.length}) does not match expected size (${DIGEST_LENGTH[hash]})`);
  await verifyPrehashed(key, hash, digest, signature.content);
  return { digest, signature, verifier };
}

/** protojson of the entry's `Entry` message (kind hashedrekord, 0.0.2): `data` = the digest and its algorithm. */
export function hashedRekordEntryJson(entry: HashedRekordV002): Record<string, unknown> {
  const hash = digestOfKeyDetails(entry.signature.verifier.keyDetails);
  return {
    kind: 'hashedrekord',
    apiVersion: '0.0.2',
    spec: {
      hashedRekordV002: {
        data: { algorithm: HASH_ALGORITHM_NAME[hash], digest: Buffer.from(entry.digest).toString('base64') },
        signature: signatureJson(entry.signature),
      },
    },
  };
}
