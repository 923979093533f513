import { encoding } from '@sigbox/core';
import { toJsonInteger } from './json-integer.js';
import type { LogEntryParts } from './log-entry.js';

/**
 * An entry's v1 LogEntry JSON around its inclusion proof, serialized and UTF-8 encoded once: everything but the
 * proof is fixed once the entry is integrated, so a read only serializes the proof (bench/log: JSON of the whole
 * entry per read cost as much as building and checking the proof, and handing the socket a string instead of
 * bytes — its UTF-8 length, then its encoding — as much again).
 */
export interface LogEntryTextParts {
  /** `{"<entryId>":{"body":…,"verification":{"inclusionProof":{"checkpoint":`, UTF-8 */
  readonly head: Uint8Array;
  /** `,"signedEntryTimestamp":"…"}}}`, UTF-8 */
  readonly tail: Uint8Array;
}

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

/** The fixed parts; the same bytes `JSON.stringify(logEntryJson(parts))` has around the proof. */
export function logEntryTextParts(parts: Omit<LogEntryParts, 'inclusionProof'>): LogEntryTextParts {
  const attestation = parts.attestation ? `,"attestation":{"data":"${encoding.toBase64(parts.attestation)}"}` : '';
  return {
    head: utf8(
      `{${JSON.stringify(parts.entryId)}:{"body":"${encoding.toBase64(parts.body)}",` +
        `"integratedTime":${toJsonInteger(parts.integratedTime, 'integratedTime')},"logID":${JSON.stringify(parts.logId)},` +
        `"logIndex":${toJsonInteger(parts.logIndex, 'logIndex')}${attestation},"verification":{"inclusionProof":{"checkpoint":`,
    ),
    tail: utf8(`,"signedEntryTimestamp":"${encoding.toBase64(parts.signedEntryTimestamp)}"}}}`),
  };
}

const BODY_START = Buffer.from('":{"body":"', 'latin1');
const QUOTE_BYTE = 0x22;

/**
 * The entry body the fixed head carries, base64 between `{"<entryId>":{"body":"` and the next quote (an entry ID is
 * hex and base64 has no quote): a cache of entries holds the head only, not the body a second time beside it.
 */
export function bodyOfTextParts(fixed: LogEntryTextParts): Uint8Array {
  const head = Buffer.from(fixed.head.buffer, fixed.head.byteOffset, fixed.head.byteLength);
  const start = head.indexOf(BODY_START) + BODY_START.length;
  const end = head.indexOf(QUOTE_BYTE, start);
  if (start < BODY_START.length || end < 0) throw new Error('an entry text head without a body');
  return new Uint8Array(Buffer.from(head.toString('latin1', start, end), 'base64'));
}

/** A checkpoint as the UTF-8 of its JSON string literal: the same for every read at one tree size. */
export const checkpointJsonBytes = (checkpoint: string): Uint8Array => utf8(JSON.stringify(checkpoint));

/**
 * The bytes of `JSON.stringify(logEntryJson(...))`, from the fixed parts, a proof and its checkpoint's
 * {@link checkpointJsonBytes}, written straight into one buffer: the proof's own part is ASCII (hex and integers).
 */
export function logEntryText(fixed: LogEntryTextParts, proof: LogEntryParts['inclusionProof'], checkpointJson: Uint8Array): Uint8Array {
  const logIndex = String(toJsonInteger(proof.logIndex, 'inclusionProof.logIndex'));
  const treeSize = String(toJsonInteger(proof.treeSize, 'inclusionProof.treeSize'));
  let hexLength = 2 * proof.rootHash.length;
  for (const hash of proof.hashes) hexLength += 2 * hash.length + 3; // "…",
  const length =
    fixed.head.length + checkpointJson.length + HASHES.length + (proof.hashes.length === 0 ? 1 : 0) + LOG_INDEX.length + logIndex.length +
    ROOT_HASH.length + TREE_SIZE.length + treeSize.length + 1 + fixed.tail.length + hexLength;
  const out = Buffer.allocUnsafe(length);
  let at = put(out, 0, fixed.head);
  at = put(out, at, checkpointJson);
  at = put(out, at, HASHES);
  for (const hash of proof.hashes) {
    out[at++] = QUOTE;
    at = putHex(out, at, hash);
    out[at++] = QUOTE;
    out[at++] = COMMA;
  }
  // `],` closes the array: the last hash's comma becomes its bracket, an empty array gets one of its own.
  if (proof.hashes.length > 0) at--;
  out[at++] = CLOSE_BRACKET;
  at = put(out, at, LOG_INDEX);
  at += out.write(logIndex, at, 'latin1');
  at = put(out, at, ROOT_HASH);
  at = putHex(out, at, proof.rootHash);
  at = put(out, at, TREE_SIZE);
  at += out.write(treeSize, at, 'latin1');
  out[at++] = CLOSE_BRACE;
  at = put(out, at, fixed.tail);
  if (at !== length) throw new Error(`log entry text: wrote ${at} of ${length} bytes`);
  return out;
}

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const HASHES = ascii(',"hashes":[');
const LOG_INDEX = ascii(',"logIndex":');
const ROOT_HASH = ascii(',"rootHash":"');
const TREE_SIZE = ascii('","treeSize":');
const [QUOTE, COMMA, CLOSE_BRACKET, CLOSE_BRACE] = [0x22, 0x2c, 0x5d, 0x7d] as const;
const HEX_DIGITS = ascii('0123456789abcdef');

function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

/** Lowercase hex of `bytes` at `at`, as `encoding.toHex` spells it. */
function putHex(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    out[at++] = HEX_DIGITS[byte >> 4] as number;
    out[at++] = HEX_DIGITS[byte & 15] as number;
  }
  return at;
}
