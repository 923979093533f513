import { encoding } from '@sigbox/core';
import { toJsonInteger } from './json-integer.js';

/** Inputs of one v1 LogEntry; bytes and bigints as the log engine holds them. */
export interface LogEntryParts {
  /** 80-hex EntryID, the object's only key (and the ETag / Location on create). */
  entryId: string;
  body: Uint8Array;
  integratedTime: bigint | number;
  logId: string;
  /** Global index (the SET covers this one). */
  logIndex: bigint | number;
  inclusionProof: {
    /** Leaf index inside the shard's tree. */
    logIndex: bigint | number;
    treeSize: bigint | number;
    rootHash: Uint8Array;
    hashes: readonly Uint8Array[];
    checkpoint: string;
  };
  signedEntryTimestamp: Uint8Array;
  /** Only with attestation storage (intoto); omitted otherwise. */
  attestation?: Uint8Array;
}

/** One v1 LogEntry value (openapi/rekor-v1.yaml `LogEntryAnon`): integers as JSON numbers, hashes hex. */
export interface LogEntryAnon {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  attestation?: { data: string };
  verification: {
    inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number };
    signedEntryTimestamp: string;
  };
}

/** The v1 `LogEntry` map: one key, the entry ID. */
export type LogEntryMap = Record<string, LogEntryAnon>;

/**
 * The v1 `LogEntry` map `{ [entryId]: LogEntryAnon }` (rekor openapi.yaml `LogEntry` at v1.5.4): base64 body and
 * SET, hex log ID, root and proof hashes (leaf → root), JSON numbers for integers.
 */
export function logEntryJson(parts: LogEntryParts): LogEntryMap {
  const proof = parts.inclusionProof;
  return {
    [parts.entryId]: {
      body: encoding.toBase64(parts.body),
      integratedTime: toJsonInteger(parts.integratedTime, 'integratedTime'),
      logID: parts.logId,
      logIndex: toJsonInteger(parts.logIndex, 'logIndex'),
      ...(parts.attestation ? { attestation: { data: encoding.toBase64(parts.attestation) } } : {}),
      verification: {
        inclusionProof: {
          checkpoint: proof.checkpoint,
          hashes: proof.hashes.map((h) => encoding.toHex(h)),
          logIndex: toJsonInteger(proof.logIndex, 'inclusionProof.logIndex'),
          rootHash: encoding.toHex(proof.rootHash),
          treeSize: toJsonInteger(proof.treeSize, 'inclusionProof.treeSize'),
        },
        signedEntryTimestamp: encoding.toBase64(parts.signedEntryTimestamp),
      },
    },
  };
}
