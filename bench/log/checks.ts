/**
 * What the generator checks before it counts a response: the inclusion proof in a Rekor v1 LogEntry
 * verifies for the leaf of its own body against the root of the checkpoint it came with (RFC 6962 §2.1.1;
 * what sigstore clients check before trusting an entry).
 */
import crypto, { type KeyObject } from 'node:crypto';
import { createNoteVerifier, isValidInclusion, openCheckpoint, parseCheckpoint } from '@sigbox/merkle';

/** The fields of a Rekor v1 LogEntry this check reads (openapi rekor-v1.yaml LogEntry). */
interface LogEntry {
  body: string;
  logIndex: number;
  verification?: { inclusionProof?: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number } };
}

/** Verifies the single entry of a `{ [entryId]: LogEntry }` body; false on any mismatch or malformed part. */
export function hasValidInclusionProof(responseBody: Buffer): boolean {
  try {
    const entries = Object.values(JSON.parse(responseBody.toString('utf8')) as Record<string, LogEntry>);
    const entry = entries[0];
    const proof = entry?.verification?.inclusionProof;
    if (entries.length !== 1 || entry === undefined || proof === undefined || proof.logIndex !== entry.logIndex) return false;
    const checkpoint = parseCheckpoint(proof.checkpoint);
    if (checkpoint.size !== BigInt(proof.treeSize) || Buffer.from(checkpoint.rootHash).toString('hex') !== proof.rootHash) return false;
    // RFC 6962 §2.1: leaf hash = SHA-256(0x00 ‖ entry); the entry is the canonical body, base64 in `body`.
    const leaf = crypto.createHash('sha256').update(Buffer.from([0])).update(Buffer.from(entry.body, 'base64')).digest();
    const hashes = proof.hashes.map((h) => Buffer.from(h, 'hex'));
    return isValidInclusion(BigInt(proof.logIndex), checkpoint.size, leaf, hashes, checkpoint.rootHash);
  } catch {
    return false;
  }
}

/** The fields of a Rekor v2 TransparencyLogEntry this check reads (openapi rekor-v2.yaml). */
interface TransparencyLogEntry {
  logIndex: string;
  canonicalizedBody: string;
  inclusionProof?: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
}

/**
 * The Ed25519 keys among a trusted_root.json's tlogs (protobuf-specs TrustedRoot: `publicKey.rawBytes` is base64
 * SPKI DER); throws when there is none, so a v2 check never runs without a key.
 */
export function trustedRootEd25519Keys(trustedRoot: unknown): KeyObject[] {
  const tlogs = (trustedRoot as { tlogs?: { publicKey?: { rawBytes?: string; keyDetails?: string } }[] }).tlogs ?? [];
  const keys = tlogs.flatMap(({ publicKey }) =>
    publicKey?.keyDetails === 'PKIX_ED25519' && publicKey.rawBytes !== undefined
      ? [crypto.createPublicKey({ key: Buffer.from(publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' })]
      : [],
  );
  if (keys.length === 0) throw new Error('trusted_root.json lists no Ed25519 (Rekor v2) log key');
  return keys;
}

/** Whether a checkpoint note carries a good signature of the log (see `checkpointSignatureCheck`). */
export type CheckpointCheck = (envelope: string) => boolean;

/** Distinct notes remembered by a `checkpointSignatureCheck` before it starts afresh. */
const CHECKED_NOTES_KEPT = 10_000;

/**
 * Checks that a v2 checkpoint is signed by one of `publicKeys` (Ed25519: rekor-tiles' signer key, Sigbox's
 * `rekor-v2` key) under the key name of the checkpoint's own origin, as Rekor v2 names its key (rekor-tiles
 * v2.3.0 serve.go: `note.KeyHash(hostname, pubKey)`, the origin being the hostname). A log publishes one
 * checkpoint for a batch of answers, so each distinct note is verified once and its verdict remembered: the
 * generator's cost stays a map lookup per answer.
 */
export function checkpointSignatureCheck(publicKeys: readonly KeyObject[]): CheckpointCheck {
  const verdicts = new Map<string, boolean>();
  return (envelope) => {
    const known = verdicts.get(envelope);
    if (known !== undefined) return known;
    let verdict = false;
    try {
      const { origin } = parseCheckpoint(envelope);
      openCheckpoint(envelope, publicKeys.map((key) => createNoteVerifier(origin, key)), { origin });
      verdict = true;
    } catch {
      verdict = false;
    }
    if (verdicts.size >= CHECKED_NOTES_KEPT) verdicts.clear();
    verdicts.set(envelope, verdict);
    return verdict;
  };
}

/**
 * The same check for a v2 answer: int64 strings, base64 hashes, the checkpoint note in `checkpoint.envelope`;
 * with `checkpointSigned`, the note's signature too.
 */
export function hasValidV2InclusionProof(responseBody: Buffer, checkpointSigned?: CheckpointCheck): boolean {
  try {
    const entry = JSON.parse(responseBody.toString('utf8')) as TransparencyLogEntry;
    const proof = entry.inclusionProof;
    if (proof === undefined || proof.logIndex !== entry.logIndex) return false;
    if (checkpointSigned !== undefined && !checkpointSigned(proof.checkpoint.envelope)) return false;
    const checkpoint = parseCheckpoint(proof.checkpoint.envelope);
    if (checkpoint.size !== BigInt(proof.treeSize) || Buffer.from(checkpoint.rootHash).toString('base64') !== proof.rootHash) return false;
    const leaf = crypto.createHash('sha256').update(Buffer.from([0])).update(Buffer.from(entry.canonicalizedBody, 'base64')).digest();
    return isValidInclusion(BigInt(proof.logIndex), checkpoint.size, leaf, proof.hashes.map((h) => Buffer.from(h, 'base64')), checkpoint.rootHash);
  } catch {
    return false;
  }
}
