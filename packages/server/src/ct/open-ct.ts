import path from 'node:path';
import { createKeySigner, loadOrCreatePrivateKey } from '@sigbox/core';
import { createCtLog, ctTreeDescription, type CtLog } from '@sigbox/ctlog';
import { openLogTree } from '@sigbox/log';
import { type Database, putSettingOnce } from '@sigbox/db';
import { encoding } from '@sigbox/core';
import { type TransparencyLogInstance, ctLogInstance } from '@sigbox/trust';
import type { Registry } from 'prom-client';
import { StartError } from '../error.js';
import { createLogMetrics } from '../log-metrics.js';
import type { Api } from '../pipeline/api.js';
import { createCtApi } from './ct-api.js';

/** The CT log key inside the data folder: distinct from the Rekor and CA keys. */
export const CT_KEY_FILE = path.join('keys', 'ct-log.pem');

export interface CtSetup {
  readonly log: CtLog;
  readonly api: Api;
  /** The ctlogs entry of trusted_root.json. */
  trustEntry(publicUrl: string): TransparencyLogInstance;
  /** Closes the log's tree once the entries it took are integrated. */
  close(): Promise<void>;
}

/**
 * Opens the CT log that the CA logs every precertificate in: its key (created once in the data folder), its
 * own tree on the shared engine, and the CA roots it accepts. Like the Rekor log, a key that is not the
 * tree's key is refused at start.
 */
export async function openCt(options: { db: Database; dataDir: string; hostname: string; roots: readonly Uint8Array[]; registry: Registry }): Promise<CtSetup> {
  // A KeyObject in this process's memory: the tree's writer thread signs with it too.
  const privateKey = await loadOrCreatePrivateKey(path.join(options.dataDir, CT_KEY_FILE), 'ecdsa-p256').catch((cause: unknown) => {
    throw new StartError('KEY_UNUSABLE', `cannot load the CT log key: ${String(cause)}`, { cause });
  });
  const signer = createKeySigner(privateKey);
  const metrics = createLogMetrics(options.registry, 'ct');
  const tree = await openLogTree(options.db, { ...ctTreeDescription({ hostname: options.hostname, key: { privateKey } }), ...metrics });
  const log = createCtLog({ tree, signer, roots: options.roots });
  const logId = encoding.toHex(log.logId);
  const keyOfTree = await putSettingOnce(options.db.kysely, `ct.tree.${tree.treeId}.logId`, logId);
  if (keyOfTree !== logId) {
    await tree.close();
    throw new StartError('KEY_UNUSABLE', `the CT log key (log ID ${logId}) is not the key of CT tree ${tree.treeId}`);
  }
  // validFor.start must precede every SCT: the time this key first served, written once.
  const validFrom = new Date(await putSettingOnce(options.db.kysely, `ct.key.${logId}.since`, new Date().toISOString()));
  return {
    log,
    api: createCtApi(log),
    trustEntry: (publicUrl) => ctLogInstance({ baseUrl: publicUrl, publicKey: signer.publicKey, validFrom }),
    close: () => tree.close(),
  };
}
