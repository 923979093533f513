import { keyAlgorithm } from '@sigbox/core';
import { type CheckpointKey, type TreeDescription, checkpointPublicKey } from '@sigbox/log';
import { isRekorV1Origin, isValidKeyName, noteKeyId } from '@sigbox/merkle';
import { RekorV2Error } from './errors.js';

/** The Rekor v2 tree's name in the log engine's database, beside v1's `rekor`. */
export const REKOR_V2_TREE_NAME = 'rekor-v2';

export interface RekorV2TreeOptions {
  /**
   * The checkpoint origin: the hostname of the box's public URL (C2SP tlog-checkpoint; sigstore-go builds its note
   * verifier from the trusted root's `baseUrl` hostname, no scheme or port). Decided once, when the tree is
   * created: a tree that exists keeps the origin it has (pass `listLogTrees`' origin for it).
   */
  origin: string;
  /** The Ed25519 checkpoint key (C2SP tlog-tiles: a log talking to witnesses carries an Ed25519 signature). */
  key: CheckpointKey;
  name?: string | undefined;
}

/** The origin of a public URL: its hostname (`new URL(u).hostname`), checked to be a usable note key name. */
export function rekorV2Origin(publicUrl: string): string {
  const origin = new URL(publicUrl).hostname;
  checkOrigin(origin);
  return origin;
}

function checkOrigin(origin: string): void {
  // `<host> - <n>` would be read as a v1 origin (sigstore-go pkg/verify/tlog.go).
  if (!isValidKeyName(origin) || isRekorV1Origin(origin)) throw new RekorV2Error('INTERNAL', `invalid Rekor v2 origin ${JSON.stringify(origin)}`);
}

/** The key must be Ed25519. */
export function checkRekorV2Key(key: CheckpointKey): void {
  if (keyAlgorithm(checkpointPublicKey(key)) !== 'ed25519') throw new RekorV2Error('INTERNAL', 'the Rekor v2 checkpoint key must be Ed25519');
}

/**
 * The log ID clients look the log up by (`logId.keyId`, the trusted root's `tlogs[].logId.keyId`): the full C2SP
 * key ID SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ key) (rekor-tiles pkg/note/note.go).
 */
export function rekorV2LogId(origin: string, key: CheckpointKey): Uint8Array {
  return noteKeyId(origin, checkpointPublicKey(key));
}

/** The v2 tree as the engine opens it: origin = the hostname, one Ed25519 signature line named by the origin. */
export function rekorV2TreeDescription(options: RekorV2TreeOptions): TreeDescription {
  checkRekorV2Key(options.key);
  checkOrigin(options.origin);
  return { name: options.name ?? REKOR_V2_TREE_NAME, origin: () => options.origin, signers: [{ ...options.key, name: options.origin }] };
}
