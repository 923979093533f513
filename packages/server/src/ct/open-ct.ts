import path from 'node:path';
import { createKeySigner, loadOrCreatePrivateKey } from '@sigbox/core';
import { createCtLog, ctTreeDescription, type CtLog } from '@sigbox/ctlog';
import { openLogTree } from '@sigbox/log';
import type { Database } from '@sigbox/db';
import { encoding } from '@sigbox/core';
import { ctLogInstance } from '@sigbox/trust';
import { StartError } from '../error.js';
import type { LogMetrics } from '../log-metrics.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createCtApi } from './ct-api.js';

/** The CT log key inside the data folder: distinct from the Rekor and CA keys. */
export const CT_KEY_FILE = path.join('keys', 'ct-log.pem');

export type CtSetup = LogSetup<CtLog>;

/**
 * Opens the CT log that the CA logs every precertificate in: its key (created once in the data folder), its
 * own tree on the shared engine, and the CA roots it accepts. Like the Rekor log, a key that is not the
 * tree's key is refused at start.
 */
export async function openCt(options: { db: Database; dataDir: string; hostname: string; roots: readonly Uint8Array[]; metrics: LogMetrics }): Promise<CtSetup> {
  // A KeyObject in this process's memory: the tree's writer thread signs with it too.
  const privateKey = await loadOrCreatePrivateKey(path.join(options.dataDir, CT_KEY_FILE), 'ecdsa-p256').catch((cause: unknown) => {
    throw new StartError('KEY_UNUSABLE', `cannot load the CT log key: ${String(cause)}`, { cause });
  });
  const signer = createKeySigner(privateKey);
  const tree = await openLogTree(options.db, { ...ctTreeDescription({ hostname: options.hostname, key: { privateKey } }), ...options.metrics });
  const log = createCtLog({ tree, signer, roots: options.roots });
  const validFrom = await bindKeyToTree(options.db, 'ct', tree.treeId, encoding.toHex(log.logId)).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return {
    log,
    api: createCtApi(log),
    trustEntry: (publicUrl) => ctLogInstance({ baseUrl: publicUrl, publicKey: signer.publicKey, validFrom }),
    close: () => tree.close(),
  };
}
