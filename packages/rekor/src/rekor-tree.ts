import type { KeyObject } from 'node:crypto';
import { keyAlgorithm } from '@sigbox/core';
import { type CheckpointKey, type TreeDescription, checkpointPublicKey } from '@sigbox/log';
import { rekorV1Origin } from '@sigbox/merkle';
import { RekorError } from './errors.js';

/** The first tree's name in the log engine's database. */
export const REKOR_TREE_NAME = 'rekor';

/**
 * The name of the shard a log key rotation opens for the key with log ID `logId` (hex): `rekor-` and the log ID's
 * first 16 hex digits. Deterministic, so every process rotating to the same key opens the same tree, and a tree
 * names the key that must serve it (bindKeyToTree in the server still checks the whole log ID).
 */
export function rekorShardTreeName(logId: string): string {
  if (!/^[0-9a-f]{64}$/.test(logId)) throw new RangeError('a log ID is 64 lowercase hex digits');
  return `${REKOR_TREE_NAME}-${logId.slice(0, 16)}`;
}

/** The log key must be ECDSA: sigstore-go verifies signed entry timestamps with ECDSA keys only. */
export function checkRekorLogKey(publicKey: KeyObject): void {
  if (!keyAlgorithm(publicKey).startsWith('ecdsa')) throw new RekorError('UNSUPPORTED_SIGNER', 'the Rekor log key must be ECDSA');
}

export interface RekorTreeOptions {
  /** Hostname of the public URL: the checkpoint origin is `<hostname> - <treeID>` and signatures carry this name. */
  hostname: string;
  /** The log key, which also signs the entries' SETs (as the `signer` of `createRekorLog`). */
  key: CheckpointKey;
  /** The tree's name: REKOR_TREE_NAME (the default) for the first shard, `rekorShardTreeName(logId)` for later ones. */
  name?: string | undefined;
}

/**
 * The Rekor v1 tree as the engine is to open it: the origin `<hostname> - <treeID>` is decided from the new tree's
 * ID (rekor `pkg/api/tlog.go`), and the log key alone signs checkpoints, under the hostname.
 */
export function rekorTreeDescription(options: RekorTreeOptions): TreeDescription {
  checkRekorLogKey(checkpointPublicKey(options.key));
  return {
    name: options.name ?? REKOR_TREE_NAME,
    origin: (treeId) => rekorV1Origin(options.hostname, treeId),
    // v1 checkpoints carry the log's signature only (rekor SignedNote.Verify rejects any other line).
    signers: [{ ...options.key, name: options.hostname }],
  };
}
