import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { createKeySigner, loadOrCreatePrivateKey, loadPrivateKey } from '@sigbox/core';
import type { Database } from '@sigbox/db';
import { openLogTree } from '@sigbox/log';
import { createRekorLog, logIdHex, rekorTreeDescription, type RekorLog, type RekorShard } from '@sigbox/rekor';
import { transparencyLogInstance } from '@sigbox/trust';
import { StartError } from '../error.js';
import type { LogMetrics } from '../log-metrics.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createRekorApi } from './rekor-api.js';

/** The log key's file inside the data folder when no --log-key is given. */
export const DEFAULT_LOG_KEY_FILE = path.join('keys', 'rekor-log.pem');

export type RekorSetup = LogSetup<RekorLog>;

export interface RekorSetupOptions {
  db: Database;
  dataDir: string;
  /** Hostname of the public URL: the checkpoint origin and the signature name. */
  hostname: string;
  /** The engine's event hooks for this tree (batches, rounds, proofs that fail their self-check). */
  metrics: LogMetrics;
  logKeyFile?: string | undefined;
  logKeyPassphrase?: string | undefined;
  /** Memory for Rekor entries kept for reads (`--entry-cache-mib`); the log's default when not given. */
  entryCacheBytes?: number | undefined;
}

/** The log key as a KeyObject: in this process's memory, so the tree's writer thread can sign with it too. */
async function loadLogKey(options: RekorSetupOptions): Promise<KeyObject> {
  const passphrase = options.logKeyPassphrase === undefined ? {} : { passphrase: options.logKeyPassphrase };
  try {
    return options.logKeyFile === undefined
      ? await loadOrCreatePrivateKey(path.join(options.dataDir, DEFAULT_LOG_KEY_FILE), 'ecdsa-p256', passphrase)
      : await loadPrivateKey(options.logKeyFile, passphrase);
  } catch (cause) {
    throw new StartError('KEY_UNUSABLE', `cannot load the log key: ${String(cause)}`, { cause });
  }
}

/**
 * Opens the Rekor log: its key (created in the data folder on first start), its tree, and the times fixed at
 * first start. Processes sharing one database must share the key: a different key for an existing tree is
 * refused rather than producing checkpoints and SETs no client would accept.
 */
export async function openRekor(options: RekorSetupOptions): Promise<RekorSetup> {
  const privateKey = await loadLogKey(options);
  const signer = createKeySigner(privateKey);
  const tree = await openLogTree(options.db, { ...rekorTreeDescription({ hostname: options.hostname, key: { privateKey } }), ...options.metrics });
  const log = createRekorLog({ tree, signer, entryCacheBytes: options.entryCacheBytes });
  const validFrom = await bindKeyToTree(options.db, 'rekor', log.treeId, log.logId).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return {
    log,
    api: createRekorApi(log),
    trustEntry: (publicUrl) => transparencyLogInstance({ baseUrl: publicUrl, publicKey: signer.publicKey, validFrom }),
    close: () => tree.close(),
  };
}

export interface RekorShardOptions {
  db: Database;
  hostname: string;
  metrics: LogMetrics;
  /** The shard's log key, in memory (its writer thread signs with it too). */
  privateKey: KeyObject;
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
  const { privateKey } = options;
  const signer = createKeySigner(privateKey);
  const description = rekorTreeDescription({ hostname: options.hostname, key: { privateKey }, name: options.treeName });
  const tree = await openLogTree(options.db, { ...description, ...options.metrics, readOnly: options.readOnly ?? false });
  const logId = logIdHex(signer.publicKey);
  const validFrom = await bindKeyToTree(options.db, 'rekor', tree.treeId, logId).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return { shard: { tree, signer }, logId, validFrom, close: () => tree.close() };
}
