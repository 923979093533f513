import type { Database } from '@sigbox/db';
import { encoding, sha256, spkiDer } from '@sigbox/core';
import type { OpenedKey } from '@sigbox/keyring';
import { listLogTrees, openLogTree } from '@sigbox/log';
import { type CheckpointWitnessing, REKOR_V2_TREE_NAME, type RekorV2Log, createRekorV2Log, rekorV2TreeDescription } from '@sigbox/rekor';
import type { LogMetrics } from '../log-metrics.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createRekorV2Api } from './rekor-v2-api.js';

export interface RekorV2SetupOptions {
  db: Database;
  /** Hostname of the public URL: the origin of a tree created now. A tree that exists keeps its own. */
  hostname: string;
  metrics: LogMetrics;
  /** The Ed25519 checkpoint key (keyring role `rekor-v2`), in memory: the tree's writer thread signs too. */
  key: OpenedKey;
  /** Witness cosignatures of the tree's checkpoints (the witnessing loop), if the box runs one. */
  witnessing?: CheckpointWitnessing | undefined;
  onWitnessingFailed?: ((error: unknown) => void) | undefined;
}

/** The v2 log with what the trusted root needs: its origin (the `baseUrl` hostname) and the C2SP key ID. */
export interface RekorV2Setup extends LogSetup<RekorV2Log> {
  readonly origin: string;
  /** Hex of the 32-byte C2SP key ID (`logId.keyId`), as the trust history keys it. */
  readonly logId: string;
}

/**
 * Opens the Rekor v2 tree (`rekor-v2`) beside v1's on the same engine. Its origin is decided once, when the tree
 * is created, and kept: a later change of public URL does not rename the log clients verify by (a new origin is a
 * new log, i.e. a new tree and trust entry). The key is bound to the tree like the other logs' keys.
 */
export async function openRekorV2(options: RekorV2SetupOptions): Promise<RekorV2Setup> {
  const existing = (await listLogTrees(options.db)).find((t) => t.name === REKOR_V2_TREE_NAME);
  const origin = existing?.origin ?? options.hostname;
  const { signer, privateKey } = options.key;
  const key = privateKey === undefined ? { signer } : { privateKey };
  const tree = await openLogTree(options.db, { ...rekorV2TreeDescription({ origin, key }), ...options.metrics });
  const log = createRekorV2Log({ tree, key, witnessing: options.witnessing, onWitnessingFailed: options.onWitnessingFailed });
  const logId = encoding.toHex(log.logId);
  // Bound by SHA-256(SPKI) like the other logs' keys: the key's identity, which `sigbox verify` matches against the
  // trusted root (the C2SP key ID also depends on the origin, and `logId` above is that one).
  const validFrom = await bindKeyToTree(options.db, 'rekor-v2', tree.treeId, encoding.toHex(sha256(spkiDer(signer.publicKey)))).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return { log, api: createRekorV2Api(log), treeId: tree.treeId, validFrom, origin: tree.origin, logId, close: () => tree.close() };
}
