import { createCtLog, ctTreeDescription, type CtLog } from '@sigbox/ctlog';
import { openLogTree } from '@sigbox/log';
import type { Database } from '@sigbox/db';
import { encoding } from '@sigbox/core';
import type { OpenedKey } from '@sigbox/keyring';
import type { LogMetrics } from '../log-metrics.js';
import { type LogSetup, bindKeyToTree } from '../log-setup.js';
import { createCtApi } from './ct-api.js';

export type CtSetup = LogSetup<CtLog>;

/**
 * Opens the CT log that the CA logs every precertificate in: its key from the keyring, its own tree on the
 * shared engine, and the CA roots it accepts. Like the Rekor log, a key that is not the
 * tree's key is refused at start.
 */
export async function openCt(options: { db: Database; key: OpenedKey; hostname: string; roots: readonly Uint8Array[]; metrics: LogMetrics }): Promise<CtSetup> {
  // A file key is in this process's memory: the tree's writer thread signs with it too. An HSM key signs here.
  const { signer, privateKey } = options.key;
  const tree = await openLogTree(options.db, { ...ctTreeDescription({ hostname: options.hostname, key: privateKey === undefined ? { signer } : { privateKey } }), ...options.metrics });
  const log = createCtLog({ tree, signer, roots: options.roots });
  const validFrom = await bindKeyToTree(options.db, 'ct', tree.treeId, encoding.toHex(log.logId)).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return {
    log,
    api: createCtApi(log),
    treeId: tree.treeId,
    validFrom,
    close: () => tree.close(),
  };
}
