/**
 * What the generator checks before it counts a response: the inclusion proof in a Rekor v1 LogEntry
 * verifies for the leaf of its own body against the root of the checkpoint it came with (RFC 6962 §2.1.1;
 * what sigstore clients check before trusting an entry).
 */
import crypto from 'node:crypto';
import { isValidInclusion, parseCheckpoint } from '@sigbox/merkle';

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

/** The same check for a v2 answer: int64 strings, base64 hashes, the checkpoint note in `checkpoint.envelope`. */
export function hasValidV2InclusionProof(responseBody: Buffer): boolean {
  try {
    const entry = JSON.parse(responseBody.toString('utf8')) as TransparencyLogEntry;
    const proof = entry.inclusionProof;
    if (proof === undefined || proof.logIndex !== entry.logIndex) return false;
    const checkpoint = parseCheckpoint(proof.checkpoint.envelope);
    if (checkpoint.size !== BigInt(proof.treeSize) || Buffer.from(checkpoint.rootHash).toString('base64') !== proof.rootHash) return false;
    const leaf = crypto.createHash('sha256').update(Buffer.from([0])).update(Buffer.from(entry.canonicalizedBody, 'base64')).digest();
    return isValidInclusion(BigInt(proof.logIndex), checkpoint.size, leaf, proof.hashes.map((h) => Buffer.from(h, 'base64')), checkpoint.rootHash);
  } catch {
    return false;
  }
}
