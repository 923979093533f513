import { ctIndexKeysOfEntry } from '@sigbox/ctlog';
import type { Database } from '@sigbox/db';
import { type KeyedEntry, backfillEntryKeys } from '@sigbox/log';
import { rekorV2IndexKeysOfLeaf } from '@sigbox/rekor';
import type { Logger } from 'pino';

/** A tree whose older entries may lack search keys, and how to read them from an entry. */
export interface BackfillTree {
  readonly name: string;
  readonly treeId: bigint;
  readonly keysOf: (entry: KeyedEntry) => readonly string[];
}

/** The pass's name in sigbox_settings: a new way of keying would take a new name. */
const PASS = 'explorer.search-keys.v1';

/** The trees whose entries lacked keys before the explorer: Rekor v2 (v1 always stored them) and CT. */
export function backfillTrees(v2TreeId: bigint | undefined, ctTreeId: bigint | undefined): BackfillTree[] {
  return [
    ...(v2TreeId === undefined ? [] : [{ name: 'rekor-v2', treeId: v2TreeId, keysOf: (e: KeyedEntry) => rekorV2IndexKeysOfLeaf(e.data) }]),
    ...(ctTreeId === undefined ? [] : [{ name: 'ct', treeId: ctTreeId, keysOf: (e: KeyedEntry) => ctIndexKeysOfEntry(e.data, e.extra) }]),
  ];
}

/**
 * Gives the entries logged before this version their search keys, in the background, once per tree (the log
 * engine's backfillEntryKeys): the explorer finds them by digest and identity afterwards. Failures are logged, never
 * fatal: only search of older entries waits for the next start. `stop()` ends it between batches (shutdown).
 */
export function startKeyBackfill(db: Database, trees: readonly BackfillTree[], logger: Logger): { readonly finished: Promise<void>; stop(): Promise<void> } {
  const controller = new AbortController();
  const run = (async () => {
    for (const tree of trees) {
      try {
        const keyed = await backfillEntryKeys(db, tree.treeId, tree.keysOf, { name: PASS, signal: controller.signal });
        if (keyed !== undefined && keyed > 0) logger.info({ tree: tree.name, entries: keyed }, 'explorer: older entries indexed for search');
      } catch (err) {
        if (!controller.signal.aborted) logger.warn({ err, tree: tree.name }, 'explorer: indexing older entries failed; retried at the next start');
      }
    }
  })();
  return {
    finished: run,
    async stop() {
      controller.abort();
      await run;
    },
  };
}
