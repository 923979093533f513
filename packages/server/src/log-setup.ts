import { type Database, putSettingOnce } from '@sigbox/db';
import { StartError } from './error.js';
import type { Api } from './pipeline/api.js';

/** One transparency log the box serves: the personality on its tree, its API and when its key started signing. */
export interface LogSetup<Log> {
  readonly log: Log;
  readonly api: Api;
  readonly treeId: bigint;
  /** When the key first served this tree (fixed at first start): its `validFor.start` in trusted_root.json. */
  readonly validFrom: Date;
  /** Closes the log's tree once the entries it took are integrated. */
  close(): Promise<void>;
}

/**
 * Binds a log key to its tree the first time the tree is served and refuses any other key later: processes sharing
 * one database must share the key, or they would sign checkpoints, SETs and SCTs that no client accepts. Returns
 * when the key first served (its `validFor.start`, which must precede everything it signed), written once.
 *
 * @param kind the settings' namespace and the word for the log in the refusal (`rekor`, `ct`)
 * @param logId hex SHA-256 of the key's SPKI, the log ID clients know the key by
 */
export async function bindKeyToTree(db: Database, kind: string, treeId: bigint, logId: string): Promise<Date> {
  const keyOfTree = await putSettingOnce(db.kysely, `${kind}.tree.${treeId}.logId`, logId);
  if (keyOfTree !== logId) {
    throw new StartError('KEY_UNUSABLE', `the ${kind} log key (log ID ${logId}) is not the key of its tree ${treeId} (log ID ${String(keyOfTree)})`);
  }
  return new Date(await putSettingOnce(db.kysely, `${kind}.key.${logId}.since`, new Date().toISOString()));
}
