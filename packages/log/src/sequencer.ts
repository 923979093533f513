import { encoding } from '@sigbox/core';
import { LogError } from './errors.js';
import { type LogDb, type NewEntryRow, findIdentities, insertEntries, lockSequence, setNextIndex } from './storage.js';

export interface EntryToSequence {
  data: Uint8Array;
  leafHash: Uint8Array;
  identity: Uint8Array;
  extra?: Uint8Array | undefined;
  keys: readonly string[];
}

export interface Sequenced {
  index: bigint;
  /** True when the identity was already in the tree (or earlier in the same batch): `index` is the original's. */
  duplicate: boolean;
}

/**
 * Gives a batch its indices in one transaction: lock the sequence row, find identities already logged,
 * insert the rest with consecutive indices and their search keys, move the sequence on. Either the whole
 * batch is durable with gapless indices, or nothing is. A frozen tree takes no batch (TREE_FROZEN): the mark is
 * read under the lock the freeze takes, so nothing is sequenced into a tree once its freeze has committed.
 */
export async function sequenceBatch(db: LogDb, treeId: bigint, batch: readonly EntryToSequence[], clock: () => Date): Promise<Sequenced[]> {
  return db.transaction().execute(async (tx) => {
    const sequence = await lockSequence(tx, treeId);
    if (sequence.frozen) throw new LogError('TREE_FROZEN', `tree ${treeId} is frozen at size ${sequence.nextIndex}`, { details: { treeId, size: sequence.nextIndex } });
    let next = sequence.nextIndex;
    const existing = await findIdentities(tx, treeId, batch.map((e) => e.identity));
    const rows: NewEntryRow[] = [];
    const results = batch.map((entry): Sequenced => {
      const key = encoding.toHex(entry.identity);
      const known = existing.get(key);
      if (known !== undefined) return { index: known, duplicate: true };
      const index = next++;
      existing.set(key, index);
      rows.push({ index, identity: entry.identity, leafHash: entry.leafHash, data: entry.data, extra: entry.extra, keys: entry.keys });
      return { index, duplicate: false };
    });
    if (rows.length > 0) {
      await insertEntries(tx, treeId, rows, clock());
      await setNextIndex(tx, treeId, next);
    }
    return results;
  });
}
