import type { Database } from '@sigbox/db';
import { encoding, sha256, spkiDer } from '@sigbox/core';
import type { OpenedKey } from '@sigbox/keyring';
import { listLogTrees, openLogTree } from '@sigbox/log';
import { REKOR_V2_TREE_NAME, type RekorV2Log, createRekorV2Log, rekorV2TreeDescription } from '@sigbox/rekor';
import type { WitnessPolicy } from '@sigbox/witness';
import type { Logger } from 'pino';
import type { LogMetrics } from '../log-metrics.js';
import { type CheckpointWitnessingService, type WitnessMetrics, createCheckpointWitnessing } from '../witness/index.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createRekorV2Api } from './rekor-v2-api.js';

export interface RekorV2SetupOptions {
  db: Database;
  /** Hostname of the public URL: the origin of a tree created now. A tree that exists keeps its own. */
  hostname: string;
  metrics: LogMetrics;
  /** The Ed25519 checkpoint key (keyring role `rekor-v2`), in memory: the tree's writer thread signs too. */
  key: OpenedKey;
  /** The witnesses each new checkpoint goes to, if any: answers then carry their cosignatures (fail-open). */
  witnesses?: RekorV2Witnesses | undefined;
  onWitnessingFailed?: ((error: unknown) => void) | undefined;
}

/** A witness policy (`--witness-policy`) and where its loop reports. */
export interface RekorV2Witnesses {
  readonly policy: WitnessPolicy;
  readonly metrics: WitnessMetrics;
  readonly logger: Logger;
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
  let witnessing: CheckpointWitnessingService | undefined;
  const onIntegrated: LogMetrics['onIntegrated'] = (round, durationMs) => {
    options.metrics.onIntegrated(round, durationMs);
    witnessing?.checkpointIntegrated();
  };
  const tree = await openLogTree(options.db, { ...rekorV2TreeDescription({ origin, key }), ...options.metrics, onIntegrated });
  const witnesses = options.witnesses;
  witnessing = witnesses && createCheckpointWitnessing({ database: options.db, treeId: tree.treeId, source: tree, ...witnesses });
  const close = async () => {
    await witnessing?.close();
    await tree.close();
  };
  const log = createRekorV2Log({ tree, key, witnessing, onWitnessingFailed: options.onWitnessingFailed });
  const logId = encoding.toHex(log.logId);
  // Bound by SHA-256(SPKI) like the other logs' keys: the key's identity, which `sigbox verify` matches against the
  // trusted root (the C2SP key ID also depends on the origin, and `logId` above is that one).
  const validFrom = await bindKeyToTree(options.db, 'rekor-v2', tree.treeId, encoding.toHex(sha256(spkiDer(signer.publicKey)))).catch(async (err: unknown) => {
    await close();
    throw err;
  });
  return { log, api: createRekorV2Api(log), treeId: tree.treeId, validFrom, origin: tree.origin, logId, close };
}
