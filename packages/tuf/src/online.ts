import type { Signer } from '@sigbox/core';
import type { Snapshot, Timestamp } from '@tufjs/models';
import { type SignedDocument, toMetadata } from './document.js';
import { TufError } from './error.js';
import type { OnlineRefreshPlan, OnlineState } from './refresh.js';
import { signMetadata } from './sign.js';
import { buildSnapshot, buildTimestamp } from './snapshot.js';

/** The planner's input read off the latest signed documents (what the server keeps in storage). */
export function readOnlineState(docs: { targets: SignedDocument; snapshot?: SignedDocument; timestamp?: SignedDocument }): OnlineState {
  const state: { -readonly [K in keyof OnlineState]: OnlineState[K] } = { targets: { version: docs.targets.version } };
  if (docs.snapshot) {
    const snapshot = toMetadata(docs.snapshot).signed as Snapshot;
    const targetsVersion = snapshot.meta['targets.json']?.version;
    if (targetsVersion === undefined) throw new TufError('INVALID_METADATA', 'snapshot lists no targets.json');
    state.snapshot = { version: docs.snapshot.version, expires: docs.snapshot.expires, targetsVersion };
  }
  if (docs.timestamp) {
    const timestamp = toMetadata(docs.timestamp).signed as Timestamp;
    state.timestamp = { version: docs.timestamp.version, expires: docs.timestamp.expires, snapshotVersion: timestamp.snapshotMeta.version };
  }
  return state;
}

export interface OnlineSigners {
  readonly snapshot: readonly Signer[];
  readonly timestamp: readonly Signer[];
}

/**
 * Signs what a plan asks for. A timestamp-only refresh pins `currentSnapshot`, whose exact bytes it hashes, so
 * that document must be the one the plan names.
 */
export async function signOnlineRefresh(
  plan: OnlineRefreshPlan,
  signers: OnlineSigners,
  currentSnapshot?: SignedDocument,
): Promise<{ snapshot?: SignedDocument; timestamp?: SignedDocument }> {
  const snapshot = plan.snapshot
    ? await signMetadata(buildSnapshot(plan.snapshot), signers.snapshot)
    : undefined;
  if (!plan.timestamp) return snapshot ? { snapshot } : {};
  const pinned = snapshot ?? currentSnapshot;
  if (pinned?.role !== 'snapshot' || pinned.version !== plan.timestamp.snapshotVersion) {
    throw new TufError('INVALID_METADATA', `the timestamp must pin snapshot v${plan.timestamp.snapshotVersion}, not ${pinned ? `${pinned.role} v${pinned.version}` : 'nothing'}`);
  }
  const timestamp = await signMetadata(buildTimestamp({ ...plan.timestamp, snapshot: pinned }), signers.timestamp);
  return snapshot ? { snapshot, timestamp } : { timestamp };
}
