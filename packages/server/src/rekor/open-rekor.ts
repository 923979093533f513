import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { createKeySigner, loadOrCreatePrivateKey, loadPrivateKey } from '@sigbox/core';
import type { Database } from '@sigbox/db';
import { openLogTree } from '@sigbox/log';
import { createRekorLog, rekorTreeDescription, type RekorLog } from '@sigbox/rekor';
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
