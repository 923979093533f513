import type { Database } from '@sigbox/db';
import type { OpenedKey } from '@sigbox/keyring';
import { openLogTree } from '@sigbox/log';
import { createRekorLog, rekorTreeDescription, type RekorLog } from '@sigbox/rekor';
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
