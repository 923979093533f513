import { type Database, sql } from '@sigbox/db';

/** One entry row as the explorer lists it: the tree's own index, the leaf, when a checkpoint first covered it. */
export interface EntryRow {
  readonly idx: bigint;
  readonly data: Uint8Array;
  readonly integratedAt: Date | null;
  /** What the personality keeps beside the leaf (a CT entry's chain), if anything. */
  readonly extra: Uint8Array | null;
}

type Row = { idx: bigint; data: Uint8Array; extra: Uint8Array | null; integrated_at: Date | null };
const toEntryRow = (r: Row): EntryRow => ({ idx: r.idx, data: r.data, integratedAt: r.integrated_at, extra: r.extra });

// The first checkpoint whose size passes the entry is the one that integrated it (log_checkpoints' primary key).
const INTEGRATED_AT = sql<Date | null>`(SELECT c.created_at FROM log_checkpoints c WHERE c.tree_id = e.tree_id AND c.size > e.idx ORDER BY c.size LIMIT 1)`;

/**
 * The newest entries of a tree below `before`, newest first: a backward walk of log_entries' primary key that stops
 * after `limit` rows, so the first page costs the same on a log of 1,000,000 entries as on one of ten.
 */
export async function newestEntries(db: Database, treeId: bigint, before: bigint | undefined, limit: number): Promise<EntryRow[]> {
  const below = before === undefined ? sql`` : sql`AND e.idx < ${before}`;
  const { rows } = await sql<Row>`
    SELECT e.idx, e.data, e.extra, ${INTEGRATED_AT} AS integrated_at
    FROM log_entries e WHERE e.tree_id = ${treeId} ${below}
    ORDER BY e.idx DESC LIMIT ${limit}`.execute(db.kysely);
  return rows.map(toEntryRow);
}

/**
 * The newest entries of a tree carrying the search key `key` (log_entry_keys' primary key is (tree, key, index):
 * one backward range scan, however many entries share the key).
 */
export async function entriesByKey(db: Database, treeId: bigint, key: string, limit: number): Promise<EntryRow[]> {
  const { rows } = await sql<Row>`
    SELECT e.idx, e.data, e.extra, ${INTEGRATED_AT} AS integrated_at
    FROM (SELECT k.idx FROM log_entry_keys k WHERE k.tree_id = ${treeId} AND k.key = ${key} ORDER BY k.idx DESC LIMIT ${limit}) AS hit
    JOIN log_entries e ON e.tree_id = ${treeId} AND e.idx = hit.idx
    ORDER BY e.idx DESC`.execute(db.kysely);
  return rows.map(toEntryRow);
}

/** One entry by its index in the tree. */
export async function entryAt(db: Database, treeId: bigint, idx: bigint): Promise<EntryRow | undefined> {
  const { rows } = await sql<Row>`
    SELECT e.idx, e.data, e.extra, ${INTEGRATED_AT} AS integrated_at FROM log_entries e WHERE e.tree_id = ${treeId} AND e.idx = ${idx}`.execute(db.kysely);
  return rows[0] && toEntryRow(rows[0]);
}

/** A tree's integrated size and when it last moved. */
export async function integrationOf(db: Database, treeId: bigint): Promise<{ size: bigint; updatedAt: Date } | undefined> {
  const { rows } = await sql<{ size: bigint; updated_at: Date }>`SELECT size, updated_at FROM log_integration WHERE tree_id = ${treeId}`.execute(db.kysely);
  const row = rows[0];
  return row && { size: row.size, updatedAt: row.updated_at };
}

/**
 * The tree's size at the end of each minute since `since` that had a checkpoint, and its size just before
 * `since` (0n if none): the per-minute counts are the differences. Reads only the window's checkpoints
 * (migrations/0008_explorer.sql).
 */
export async function sizesPerMinute(db: Database, treeId: bigint, since: Date): Promise<{ before: bigint; minutes: Map<number, bigint> }> {
  const { rows } = await sql<{ minute: string; size: bigint }>`
    SELECT floor(extract(epoch FROM created_at) / 60)::text AS minute, max(size) AS size
    FROM log_checkpoints WHERE tree_id = ${treeId} AND created_at >= ${since} GROUP BY 1`.execute(db.kysely);
  const prior = await sql<{ size: bigint }>`
    SELECT size FROM log_checkpoints WHERE tree_id = ${treeId} AND created_at < ${since} ORDER BY created_at DESC LIMIT 1`.execute(db.kysely);
  return { before: prior.rows[0]?.size ?? 0n, minutes: new Map(rows.map((r) => [Number(r.minute), r.size])) };
}
