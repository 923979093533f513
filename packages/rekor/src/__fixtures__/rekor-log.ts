import type { KeyObject } from 'node:crypto';
import { createKeySigner } from '@sigbox/core';
import { type LogTree, type TreeEngineOptions, openLogTree } from '@sigbox/log';
import { type RekorLog, createRekorLog } from '../rekor-log.js';
import { rekorTreeDescription } from '../rekor-tree.js';

export interface OpenedRekorLog {
  readonly tree: LogTree;
  readonly log: RekorLog;
}

/**
 * A Rekor log on `db` opened as the server opens it: the tree from the personality's description, the log key in
 * memory (so on PostgreSQL its writer thread runs) and the given engine settings, then the log on that tree.
 * The caller closes the tree.
 */
export async function openRekorLog(
  db: Parameters<typeof openLogTree>[0],
  options: { privateKey: KeyObject; hostname: string; engine?: TreeEngineOptions },
): Promise<OpenedRekorLog> {
  const tree = await openLogTree(db, { ...rekorTreeDescription({ hostname: options.hostname, key: { privateKey: options.privateKey } }), ...options.engine });
  return { tree, log: createRekorLog({ tree, signer: createKeySigner(options.privateKey) }) };
}
