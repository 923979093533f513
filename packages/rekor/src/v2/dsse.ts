import { type KeyObject } from 'node:crypto';
import { bytesEqual, encoding, keyAlgorithm, sha256 } from '@sigbox/core';
import { isAlgorithmPermitted } from '../algorithm-policy.js';
import { preAuthEncoding } from '../dsse-envelope.js';
import type { DigestAlgorithm } from '../prehashed.js';
import { verifyOffLoop } from '../verify-off-loop.js';
import { digestOfKeyDetails } from './key-details.js';
import { type MessageFields, readBytes, readList, readMessage, readString } from './proto-json.js';
import { type SignatureV2, type VerifierV2, readVerifier, signatureJson, verifierKey } from './verifier.js';

/** rekor-tiles pkg/types/dsse (before its removal in rekor-tiles#744, parent of fa390b1). */
const MAX_VERIFIERS = 10;
const MAX_SIGNATURES = 10;

/** A verified `DSSERequestV002`: the payload's SHA-256 and each signature with the verifier that verified it. */
export interface DsseV002 {
  readonly payloadHash: Uint8Array;
  /** Sorted by the raw signature bytes, as upstream canonicalizes them. */
  readonly signatures: readonly SignatureV2[];
}

const REQUEST: MessageFields = { envelope: 'envelope', verifiers: 'verifiers' };
const ENVELOPE: MessageFields = { payload: 'payload', payloadType: 'payload_type', signatures: 'signatures' };
const ENVELOPE_SIGNATURE: MessageFields = { sig: 'sig', keyid: 'keyid' };

interface KeyedVerifier {
  readonly verifier: VerifierV2;
  readonly key: KeyObject;
  readonly hash: DigestAlgorithm;
}

function readEnvelope(value: unknown) {
  const message = readMessage(value, ENVELOPE, 'envelope');
  const signatures = readList(message.get('signatures'), 'envelope.signatures').map((s, i) => {
    const sig = readMessage(s, ENVELOPE_SIGNATURE, `envelope.signatures[${i}]`);
    readString(sig.get('keyid'), `envelope.signatures[${i}].keyid`);
    return readBytes(sig.get('sig'), `envelope.signatures[${i}].sig`);
  });
  return { payload: readBytes(message.get('payload'), 'envelope.payload'), payloadType: readString(message.get('payloadType'), 'envelope.payloadType'), signatures };
}

/**
 * Reads and verifies the deprecated `DSSERequestV002` that sigstore-js (4.x) still sends for attestations, as
 * rekor-tiles pkg/types/dsse `ToLogEntry` did before #744: 1–10 distinct verifiers, 1–10 non-empty signatures, every
 * verifier's (key, digest) allowed, each verifier verifying at least one signature and every signature verified
 * by one, over the DSSE PAE (sigstore `LoadVerifier(key, hash)`: ECDSA/RSA over the hash, Ed25519 pure).
 */
export async function verifyDsseRequest(value: unknown): Promise<DsseV002> {
  const message = readMessage(value, REQUEST, 'dsseRequestV002');
  if (!message.has('envelope')) throw new Error('missing envelope');
  const envelope = readEnvelope(message.get('envelope'));
  const verifiers = readList(message.get('verifiers'), 'verifiers').map((v, i) => readVerifier(v, `verifiers[${i}]`));
  if (verifiers.length === 0) throw new Error('missing verifiers');
  if (verifiers.length > MAX_VERIFIERS) throw new Error(`too many verifiers: ${verifiers.length}, max allowed: ${MAX_VERIFIERS}`);
  verifiers.forEach((v, i) => {
    if (verifiers.findIndex((w) => bytesEqual(w.rawBytes, v.rawBytes)) !== i) throw new Error('duplicate verifier');
  });
  if (envelope.signatures.length === 0) throw new Error('envelope missing signatures');
  if (envelope.signatures.length > MAX_SIGNATURES) throw new Error(`too many signatures: ${envelope.signatures.length}, max allowed: ${MAX_SIGNATURES}`);
  if (envelope.signatures.some((s) => s.length === 0)) throw new Error('envelope signature empty');

  const keyed: KeyedVerifier[] = verifiers.map((verifier) => {
    const key = verifierKey(verifier);
    const hash = digestOfKeyDetails(verifier.keyDetails);
    if (!isAlgorithmPermitted(key, hash)) throw new Error(`unsupported entry algorithm for key, digest ${hash}`);
    return { verifier, key, hash };
  });
  const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
  const bySig = new Map<string, VerifierV2>();
  for (const { verifier, key, hash } of keyed) {
    const digest = keyAlgorithm(key) === 'ed25519' ? null : hash;
    let accepted = 0;
    for (const sig of envelope.signatures) {
      if (!(await verifyOffLoop(digest, pae, key, sig))) continue;
      accepted += 1;
      bySig.set(encoding.toBase64(sig), verifier);
    }
    if (accepted === 0) throw new Error('could not verify envelope: no signature verified');
  }
  if (envelope.signatures.some((s) => !bySig.has(encoding.toBase64(s)))) throw new Error('all signatures must have a key that verifies it');
  const signatures = [...bySig.entries()]
    .map(([sig, verifier]) => ({ content: encoding.fromBase64(sig), verifier }))
    .sort((a, b) => Buffer.compare(a.content, b.content));
  return { payloadHash: sha256(envelope.payload), signatures };
}

/** protojson of the `Entry` (kind dsse, 0.0.2): the payload's SHA-256 and the sorted signatures. */
export function dsseEntryJson(entry: DsseV002): Record<string, unknown> {
  return {
    kind: 'dsse',
    apiVersion: '0.0.2',
    spec: {
      dsseV002: {
        payloadHash: { algorithm: 'SHA2_256', digest: encoding.toBase64(entry.payloadHash) },
        signatures: entry.signatures.map(signatureJson),
      },
    },
  };
}
