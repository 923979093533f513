import type { Database } from '@sigbox/db';
import type { OpenedKey } from '@sigbox/keyring';
import { openLogTree } from '@sigbox/log';
import { createRekorLog, logIdHex, rekorTreeDescription, type RekorLog, type RekorShard } from '@sigbox/rekor';
import type { LogMetrics } from '../log-metrics.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createRekorApi } from './rekor-api.js';

export type RekorSetup = LogSetup<RekorLog>;

export interface RekorSetupOptions {
  db: Database;
  /** Hostname of the public URL: the checkpoint origin and the signature name. */
  hostname: string;
  /** The engine's event hooks for this tree (batches, rounds, proofs that fail their self-check). */
  metrics: LogMetrics;
  /** The log key from the keyring: in memory (a file key: the tree's writer thread signs too) or in an HSM. */
  key: OpenedKey;
  /** Memory for Rekor entries kept for reads (`--entry-cache-mib`); the log's default when not given. */
  entryCacheBytes?: number | undefined;
}

/**
 * Opens the Rekor log: its tree, signed by its key from the keyring, and the times fixed at first start. Processes sharing one database must share the key: a different key for an existing tree is
 * refused rather than producing checkpoints and SETs no client would accept.
 */
export async function openRekor(options: RekorSetupOptions): Promise<RekorSetup> {
  const { signer, privateKey } = options.key;
  const key = privateKey === undefined ? { signer } : { privateKey };
  const tree = await openLogTree(options.db, { ...rekorTreeDescription({ hostname: options.hostname, key }), ...options.metrics });
  const log = createRekorLog({ tree, signer, entryCacheBytes: options.entryCacheBytes });
  const validFrom = await bindKeyToTree(options.db, 'rekor', log.treeId, log.logId).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return {
    log,
    api: createRekorApi(log),
    treeId: tree.treeId,
    validFrom,
    close: () => tree.close(),
  };
}

export interface RekorShardOptions {
  db: Database;
  hostname: string;
  metrics: LogMetrics;
  /** The shard's log key from the keyring: in memory (its writer thread signs too) or in an HSM. */
  key: OpenedKey;
  /** REKOR_TREE_NAME for the first shard, `rekorShardTreeName(logId)` for the ones key rotations open. */
  treeName: string;
  /** Open without a writer (an inactive shard: frozen, read only); default false. */
  readOnly?: boolean | undefined;
}

/** A shard opened for a sharded Rekor log, with what the trusted root needs of its key. */
export interface OpenedRekorShard {
  readonly shard: RekorShard;
  /** Hex SHA-256 of the key's SPKI. */
  readonly logId: string;
  /** When the key first served (its trusted-root `validFor.start`). */
  readonly validFrom: Date;
  /** Closes the shard's tree once the entries it took are integrated. */
  close(): Promise<void>;
}

/**
 * Opens (creating on first use) one tree of a sharded Rekor log with its key, bound to that key like the first tree
 * (a different key for an existing tree is refused). Hand the shards to `createShardedRekorLog` from @sigbox/rekor,
 * and that log to `createRekorApi`; a rotation opens the new shard here, then calls the log's `rotateTo`.
 */
export async function openRekorShard(options: RekorShardOptions): Promise<OpenedRekorShard> {
  const { signer, privateKey } = options.key;
  const description = rekorTreeDescription({ hostname: options.hostname, key: privateKey === undefined ? { signer } : { privateKey }, name: options.treeName });
  const tree = await openLogTree(options.db, { ...description, ...options.metrics, readOnly: options.readOnly ?? false });
  const logId = logIdHex(signer.publicKey);
  const validFrom = await bindKeyToTree(options.db, 'rekor', tree.treeId, logId).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return { shard: { tree, signer }, logId, validFrom, close: () => tree.close() };
}
