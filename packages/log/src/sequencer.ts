import { encoding } from '@sigbox/core';
import { type LogDb, sequenceEntries } from './storage.js';

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
 * Gives a batch its indices in one call (the database's `log_sequence_batch`, migration 0004): lock the
 * sequence row, find identities already logged, insert the rest with consecutive indices and their search keys,
 * move the sequence on. Either the whole batch is durable with gapless indices, or nothing is.
 */
export async function sequenceBatch(db: LogDb, treeId: bigint, batch: readonly EntryToSequence[], clock: () => Date): Promise<Sequenced[]> {
  const keys: string[] = [];
  const keyEntries: number[] = [];
  batch.forEach((entry, i) => {
    for (const key of new Set(entry.keys)) {
      keys.push(key);
      keyEntries.push(i + 1);
    }
  });
  const rows = await sequenceEntries(db, {
    treeId,
    identity: batch.map((e) => encoding.toHex(e.identity)),
    leafHash: batch.map((e) => encoding.toHex(e.leafHash)),
    data: batch.map((e) => encoding.toHex(e.data)),
    extra: batch.map((e) => (e.extra === undefined ? null : encoding.toHex(e.extra))),
    keys,
    keyEntries,
    sequencedAt: clock(),
  });
  if (rows.length !== batch.length) throw new Error(`log_sequence_batch answered ${rows.length} rows for ${batch.length} entries`);
  return rows.map((row) => ({ index: row.idx, duplicate: row.duplicate }));
}
