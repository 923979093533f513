import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { createKeySigner, loadOrCreatePrivateKey, loadPrivateKey } from '@sigbox/core';
import { type Database, putSettingOnce } from '@sigbox/db';
import { openLogTree } from '@sigbox/log';
import { createRekorLog, rekorTreeDescription, type RekorLog } from '@sigbox/rekor';
import { type TransparencyLogInstance, transparencyLogInstance } from '@sigbox/trust';
import type { Registry } from 'prom-client';
import { StartError } from '../error.js';
import type { Api } from '../pipeline/api.js';
import { createLogMetrics } from '../log-metrics.js';
import { createRekorApi } from './rekor-api.js';

/** The log key's file inside the data folder when no --log-key is given. */
export const DEFAULT_LOG_KEY_FILE = path.join('keys', 'rekor-log.pem');

export interface RekorSetup {
  readonly log: RekorLog;
  readonly api: Api;
  /** The tlog entry of trusted_root.json for clients reaching the log at `publicUrl`. */
  trustEntry(publicUrl: string): TransparencyLogInstance;
  /** Closes the log's tree once the entries it took are integrated. */
  close(): Promise<void>;
}

export interface RekorSetupOptions {
  db: Database;
  dataDir: string;
  /** Hostname of the public URL: the checkpoint origin and the signature name. */
  hostname: string;
  registry: Registry;
  logKeyFile?: string | undefined;
  logKeyPassphrase?: string | undefined;
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
  // The engine counts what it sees (batches, rounds, proofs that fail their self-check) into the tree's metrics.
  const metrics = createLogMetrics(options.registry, 'rekor');
  const tree = await openLogTree(options.db, { ...rekorTreeDescription({ hostname: options.hostname, key: { privateKey } }), ...metrics });
  const log = createRekorLog({ tree, signer });
  const keyOfTree = await putSettingOnce(options.db.kysely, `rekor.tree.${log.treeId}.logId`, log.logId);
  if (keyOfTree !== log.logId) {
    await tree.close();
    throw new StartError('KEY_UNUSABLE', `the log key (logID ${log.logId}) is not the key of tree ${log.treeId} (logID ${String(keyOfTree)})`);
  }
  // validFor.start: when this key first served, written once; clients compare it with integratedTime.
  const validFrom = new Date(await putSettingOnce(options.db.kysely, `rekor.key.${log.logId}.since`, new Date().toISOString()));
  return {
    log,
    api: createRekorApi(log),
    trustEntry: (publicUrl) => transparencyLogInstance({ baseUrl: publicUrl, publicKey: signer.publicKey, validFrom }),
    close: () => tree.close(),
  };
}
