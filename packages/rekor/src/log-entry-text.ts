import { encoding } from '@sigbox/core';
import { toJsonInteger } from './json-integer.js';
import type { LogEntryParts } from './log-entry.js';

/**
 * An entry's v1 LogEntry JSON around its inclusion proof, serialized once: everything but the proof is fixed
 * once the entry is integrated, so a read only serializes the proof (bench/log: JSON of the whole entry per
 * read cost as much as building and checking the proof).
 */
export interface LogEntryTextParts {
  /** `{"<entryId>":{"body":…,"verification":{"inclusionProof":` */
  readonly head: string;
  /** `,"signedEntryTimestamp":"…"}}}` */
  readonly tail: string;
}

/** The fixed parts; the same bytes `JSON.stringify(logEntryJson(parts))` has around the proof. */
export function logEntryTextParts(parts: Omit<LogEntryParts, 'inclusionProof'>): LogEntryTextParts {
  const attestation = parts.attestation ? `,"attestation":{"data":"${encoding.toBase64(parts.attestation)}"}` : '';
  return {
    head:
      `{${JSON.stringify(parts.entryId)}:{"body":"${encoding.toBase64(parts.body)}",` +
      `"integratedTime":${toJsonInteger(parts.integratedTime, 'integratedTime')},"logID":${JSON.stringify(parts.logId)},` +
      `"logIndex":${toJsonInteger(parts.logIndex, 'logIndex')}${attestation},"verification":{"inclusionProof":`,
    tail: `,"signedEntryTimestamp":"${encoding.toBase64(parts.signedEntryTimestamp)}"}}}`,
  };
}

/**
 * `JSON.stringify(logEntryJson(...))` from the fixed parts and a proof. `checkpointJson` is the checkpoint as a
 * JSON string literal, serialized once per tree size by the caller.
 */
export function logEntryText(fixed: LogEntryTextParts, proof: LogEntryParts['inclusionProof'], checkpointJson: string): string {
  return (
    `${fixed.head}{"checkpoint":${checkpointJson},"hashes":${hexArray(proof.hashes)},` +
    `"logIndex":${toJsonInteger(proof.logIndex, 'inclusionProof.logIndex')},"rootHash":"${encoding.toHex(proof.rootHash)}",` +
    `"treeSize":${toJsonInteger(proof.treeSize, 'inclusionProof.treeSize')}}${fixed.tail}`
  );
}

/** `["<hex>",…]` with one hex conversion for the whole proof instead of one per hash. */
function hexArray(hashes: readonly Uint8Array[]): string {
  if (hashes.length === 0) return '[]';
  const all = encoding.toHex(encoding.concatBytes(...hashes));
  let out = '["';
  let at = 0;
  for (let i = 0; i < hashes.length; i++) {
    const end = at + 2 * (hashes[i] as Uint8Array).length;
    out += i === 0 ? all.slice(at, end) : `","${all.slice(at, end)}`;
    at = end;
  }
  return `${out}"]`;
}
