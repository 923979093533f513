import { sql } from '@sigbox/db';
import type { LogDb } from '../storage.js';
import type { AuditTreeRow } from './audit-types.js';

/** The audit's reads: each one bounded, none locking (an audit runs beside a serving box or on a restored copy). */

export async function listTreeRows(db: LogDb): Promise<AuditTreeRow[]> {
  const rows = await db.selectFrom('log_trees').select(['tree_id', 'name', 'origin']).orderBy('created_at').orderBy('name').execute();
  return rows.map((r) => ({ treeId: r.tree_id, name: r.name, origin: r.origin }));
}

export interface AuditedEntry {
  index: bigint;
  leafHash: Uint8Array;
  data: Uint8Array;
}

/**
 * Entries from index `from` (below `to`), ascending: at most `limit`, and only as many as fit in `maxBytes` of data
 * (at least one). The running sum is the database's, so an oversized batch is never sent.
 */
export async function readEntryBatch(db: LogDb, treeId: bigint, from: bigint, to: bigint, limit: number, maxBytes: number): Promise<AuditedEntry[]> {
  const end = from + BigInt(limit) < to ? from + BigInt(limit) : to;
  const { rows } = await sql<{ idx: bigint; leaf_hash: Uint8Array; data: Uint8Array }>`
    SELECT idx, leaf_hash, data FROM (
      SELECT idx, leaf_hash, data, sum(octet_length(data)) OVER (ORDER BY idx) - octet_length(data) AS before
      FROM log_entries WHERE tree_id = ${treeId} AND idx >= ${from} AND idx < ${end}
    ) AS t WHERE before < ${maxBytes} ORDER BY idx`.execute(db);
  return rows.map((r) => ({ index: r.idx, leafHash: r.leaf_hash, data: r.data }));
}

export interface AuditedCheckpoint {
  size: bigint;
  rootHash: Uint8Array;
  note: string;
}

/** Up to `limit` stored checkpoints with size above `after`, ascending. */
export async function readCheckpointPage(db: LogDb, treeId: bigint, after: bigint, limit: number): Promise<AuditedCheckpoint[]> {
  const rows = await db
    .selectFrom('log_checkpoints')
    .select(['size', 'root_hash', 'note'])
    .where('tree_id', '=', treeId)
    .where('size', '>', after)
    .orderBy('size')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ size: r.size, rootHash: r.root_hash, note: r.note }));
}

export async function countTiles(db: LogDb, treeId: bigint): Promise<number> {
  const row = await db.selectFrom('log_tiles').select((eb) => eb.fn.countAll<string>().as('n')).where('tree_id', '=', treeId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Stored tiles past the last one checked on each level (`checked[level]`, -1 when none; levels past the array had
 * none checked): the tiles no entry accounted for. At most `limit`.
 */
export async function readUncheckedTiles(db: LogDb, treeId: bigint, checked: readonly bigint[], limit: number): Promise<Array<{ level: number; index: bigint; bytes: number }>> {
  const levels = checked.map((_, level) => level);
  const last = checked.map((i) => i.toString());
  const { rows } = await sql<{ level: number; idx: bigint; bytes: number }>`
    SELECT level, idx, octet_length(hashes) AS bytes FROM log_tiles AS t
    WHERE tree_id = ${treeId}
      AND idx > COALESCE((SELECT c FROM unnest(${levels}::int4[], ${last}::int8[]) AS u(l, c) WHERE u.l = t.level), -1)
    ORDER BY level, idx LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ level: r.level, index: r.idx, bytes: Number(r.bytes) }));
}
