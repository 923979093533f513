import { type Database, getSetting, putSettingOnce, sql } from '@sigbox/db';

/** An entry as a backfill sees it. */
export interface KeyedEntry {
  readonly index: bigint;
  readonly data: Uint8Array;
  readonly extra: Uint8Array | undefined;
}

export interface BackfillOptions {
  /** Names the pass in sigbox_settings, so a finished one is never run again (`<name>:<tree ID>`). */
  readonly name: string;
  /** Entries read per query. */
  readonly batch?: number;
  /** Told after each batch: the index reached and the tree's size when the pass began. */
  readonly onProgress?: (reached: bigint, size: bigint) => void;
  /** Stops the pass between batches (shutdown); a stopped pass is not marked done and starts over next time. */
  readonly signal?: AbortSignal;
}

const DEFAULT_BATCH = 1_000;

/**
 * Writes the search keys of a tree's entries that have none, once per tree: for entries logged before their
 * personality stored keys (Rekor v2 and CT entries made before the explorer). Entries written from now on carry
 * their keys from their sequencing transaction, so the pass covers the tree as it is when it starts and then marks
 * itself done; keys are only ever added (ON CONFLICT DO NOTHING), so two processes running it at once are harmless.
 * Returns the number of entries given keys, or undefined when the pass had already been done or was stopped.
 */
export async function backfillEntryKeys(database: Database, treeId: bigint, keysOf: (entry: KeyedEntry) => readonly string[], options: BackfillOptions): Promise<number | undefined> {
  const db = database.kysely;
  const marker = `${options.name}:${treeId}`;
  if ((await getSetting(db, marker)) !== undefined) return undefined;
  const { rows: sizeRows } = await sql<{ next_index: bigint }>`SELECT next_index FROM log_sequence WHERE tree_id = ${treeId}`.execute(db);
  const size = sizeRows[0]?.next_index ?? 0n;
  const batch = BigInt(options.batch ?? DEFAULT_BATCH);
  let keyed = 0;
  for (let from = 0n; from < size; from += batch) {
    if (options.signal?.aborted) return undefined;
    const { rows } = await sql<{ idx: bigint; data: Uint8Array; extra: Uint8Array | null }>`
      SELECT e.idx, e.data, e.extra FROM log_entries e
      WHERE e.tree_id = ${treeId} AND e.idx >= ${from} AND e.idx < ${from + batch}
        AND NOT EXISTS (SELECT 1 FROM log_entry_keys k WHERE k.tree_id = e.tree_id AND k.idx = e.idx)`.execute(db);
    const pairs = rows.flatMap((r) => [...new Set(keysOf({ index: r.idx, data: r.data, extra: r.extra ?? undefined }))].map((k) => [k, r.idx.toString()] as const));
    if (pairs.length > 0) {
      await sql`
        INSERT INTO log_entry_keys (tree_id, key, idx)
        SELECT ${treeId}::int8, k, i FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::int8[]) AS t(k, i)
        ON CONFLICT DO NOTHING`.execute(db);
      keyed += new Set(pairs.map((p) => p[1])).size;
    }
    options.onProgress?.(from + batch < size ? from + batch : size, size);
  }
  await putSettingOnce(db, marker, { size: size.toString(), keyed });
  return keyed;
}
