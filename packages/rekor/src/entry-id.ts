import type { KeyObject } from 'node:crypto';
import { encoding, sha256, spkiDer, MAX_INT64 } from '@sigbox/core';
import { RekorError } from './errors.js';

// rekor pkg/sharding/sharding.go
export const TREE_ID_HEX_LENGTH = 16;
export const UUID_HEX_LENGTH = 64;
export const ENTRY_ID_HEX_LENGTH = TREE_ID_HEX_LENGTH + UUID_HEX_LENGTH;
// openapi.yaml getLogEntryByUUID path parameter.
export const ENTRY_UUID_PATTERN = '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$';
const ENTRY_UUID_RE = new RegExp(ENTRY_UUID_PATTERN);

/** The entry UUID: lowercase hex of the RFC 6962 leaf hash (64 hex). */
export function entryUuid(leafHash: Uint8Array): string {
  if (leafHash.length !== 32) throw new RangeError('a leaf hash has 32 bytes');
  return encoding.toHex(leafHash);
}

/** The EntryID every v1 response is keyed by: `%016x` of the tree ID ‖ UUID (80 hex). */
export function entryId(treeId: bigint, leafHash: Uint8Array): string {
  if (treeId <= 0n || treeId > MAX_INT64) throw new RangeError('tree IDs are positive int64 values');
  return treeId.toString(16).padStart(TREE_ID_HEX_LENGTH, '0') + entryUuid(leafHash);
}

/** A parsed `{entryUUID}`: the UUID (lower-cased) and, for an 80-hex EntryID, the tree it names. */
export interface EntryRef {
  treeId?: bigint;
  uuid: string;
}

/**
 * Parses GET /api/v1/log/entries/{entryUUID} (and searchLogQuery `entryUUIDs`): 64 hex → search every shard,
 * 80 hex → only that tree. Pattern failures are go-swagger's 422; a tree ID that is not a positive int64 is
 * rekor's 400 `validation error: …` (upstream answers 500 for tree ID 0; Sigbox says 400).
 */
export function parseEntryRef(ref: string): EntryRef {
  if (!ENTRY_UUID_RE.test(ref)) {
    throw new RekorError('UNPROCESSABLE_ENTRY_ID', `entryUUID in path should match '${ENTRY_UUID_PATTERN}'`, { bodyCode: 605 });
  }
  const uuid = ref.slice(-UUID_HEX_LENGTH).toLowerCase();
  if (ref.length === UUID_HEX_LENGTH) return { uuid };
  const treeHex = ref.slice(0, TREE_ID_HEX_LENGTH);
  const treeId = BigInt(`0x${treeHex}`);
  if (treeId > MAX_INT64) throw new RekorError('INVALID_ENTRY_ID', `validation error: ${treeHex} is not a valid TreeID`);
  if (treeId === 0n) throw new RekorError('INVALID_ENTRY_ID', 'validation error: 0 is not a valid TreeID');
  return { treeId, uuid };
}

/** The log ID: lowercase hex SHA-256 of the log key's SPKI DER (bundles carry the same bytes base64). */
export function logIdHex(publicKey: KeyObject): string {
  return encoding.toHex(sha256(spkiDer(publicKey)));
}
