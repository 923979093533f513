import { encoding } from '@sigbox/core';
import { type Kysely, type Transaction, sql } from '@sigbox/db';
import type { LogTables } from './tables.js';

/**
 * All of the engine's SQL, so the rest of the engine reads as logic: each exported function runs one statement
 * (or one short transaction: a tree's creation, a batch's entries with their keys) and returns plain values.
 * Bulk statements pass arrays of hex text through `unnest`: text arrays behave the same on pg and PGlite, bytea
 * arrays do not.
 */
export type LogDb = Kysely<LogTables>;
export type LogTx = Transaction<LogTables>;
type Queryable = LogDb | LogTx;

export interface TreeRow {
  treeId: bigint;
  name: string;
  origin: string;
  createdAt: Date;
}

export async function findTree(db: Queryable, name: string): Promise<TreeRow | undefined> {
  const row = await db.selectFrom('log_trees').selectAll().where('name', '=', name).executeTakeFirst();
  return row && { treeId: row.tree_id, name: row.name, origin: row.origin, createdAt: row.created_at };
}

/** Every tree in the database, oldest first, with its final size once frozen. */
export async function listTreeRows(db: Queryable): Promise<Array<TreeRow & { frozenSize: bigint | undefined }>> {
  const rows = await db
    .selectFrom('log_trees')
    .innerJoin('log_sequence', 'log_sequence.tree_id', 'log_trees.tree_id')
    .select(['log_trees.tree_id', 'log_trees.name', 'log_trees.origin', 'log_trees.created_at', 'log_sequence.next_index', 'log_sequence.frozen_at'])
    .orderBy('log_trees.created_at')
    .orderBy('log_trees.tree_id')
    .execute();
  return rows.map((r) => ({
    treeId: r.tree_id,
    name: r.name,
    origin: r.origin,
    createdAt: r.created_at,
    frozenSize: r.frozen_at === null ? undefined : r.next_index,
  }));
}

/**
 * Creates the tree with its two coordination rows unless a tree of that name exists; the first process to
 * commit wins and every process then reads the winner.
 */
export async function insertTree(db: LogDb, tree: { treeId: bigint; name: string; origin: string; emptyCheckpoint: (origin: string) => Promise<{ rootHash: Uint8Array; note: string }> }): Promise<void> {
  const { rootHash, note } = await tree.emptyCheckpoint(tree.origin);
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('log_trees')
      .values({ tree_id: tree.treeId, name: tree.name, origin: tree.origin })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('tree_id')
      .executeTakeFirst();
    if (!inserted) return;
    await tx.insertInto('log_sequence').values({ tree_id: tree.treeId, next_index: 0n }).execute();
    await tx.insertInto('log_integration').values({ tree_id: tree.treeId, size: 0n, root_hash: rootHash, checkpoint: note }).execute();
  });
}

/** The sequence row, locked until the transaction ends: the next index and whether the tree is frozen. */
export async function lockSequence(tx: LogTx, treeId: bigint): Promise<{ nextIndex: bigint; frozen: boolean }> {
  const row = await tx.selectFrom('log_sequence').select(['next_index', 'frozen_at']).where('tree_id', '=', treeId).forUpdate().executeTakeFirstOrThrow();
  return { nextIndex: row.next_index, frozen: row.frozen_at !== null };
}

/**
 * Freezes the tree under the sequence row's lock (a batch holding it commits first; every later batch sees the
 * mark) and returns its final size. Freezing a frozen tree changes nothing and returns the same size.
 */
export async function freezeSequence(db: LogDb, treeId: bigint, at: Date): Promise<bigint> {
  return db.transaction().execute(async (tx) => {
    const { nextIndex, frozen } = await lockSequence(tx, treeId);
    if (!frozen) await tx.updateTable('log_sequence').set({ frozen_at: at }).where('tree_id', '=', treeId).execute();
    return nextIndex;
  });
}

/** The final size of a frozen tree, or undefined while it takes writes (a plain read: the mark never goes away). */
export async function readFrozenSize(db: Queryable, treeId: bigint): Promise<bigint | undefined> {
  const row = await db.selectFrom('log_sequence').select(['next_index', 'frozen_at']).where('tree_id', '=', treeId).executeTakeFirstOrThrow();
  return row.frozen_at === null ? undefined : row.next_index;
}

export async function readNextIndex(db: Queryable, treeId: bigint): Promise<bigint> {
  const row = await db.selectFrom('log_sequence').select('next_index').where('tree_id', '=', treeId).executeTakeFirstOrThrow();
  return row.next_index;
}

export async function setNextIndex(tx: LogTx, treeId: bigint, nextIndex: bigint): Promise<void> {
  await tx.updateTable('log_sequence').set({ next_index: nextIndex }).where('tree_id', '=', treeId).execute();
}

/** Indices of the given identities already in the tree, keyed by hex identity. */
export async function findIdentities(db: Queryable, treeId: bigint, identities: readonly Uint8Array[]): Promise<Map<string, bigint>> {
  if (identities.length === 0) return new Map();
  const hex = identities.map((i) => encoding.toHex(i));
  const { rows } = await sql<{ identity: Uint8Array; idx: bigint }>`
    SELECT identity, idx FROM log_entries
    WHERE tree_id = ${treeId} AND identity IN (SELECT decode(h, 'hex') FROM unnest(${hex}::text[]) AS t(h))`.execute(db);
  return new Map(rows.map((r) => [encoding.toHex(r.identity), r.idx]));
}

export interface NewEntryRow {
  index: bigint;
  identity: Uint8Array;
  leafHash: Uint8Array;
  data: Uint8Array;
  extra: Uint8Array | undefined;
  keys: readonly string[];
}

export async function insertEntries(tx: LogTx, treeId: bigint, entries: readonly NewEntryRow[], sequencedAt: Date): Promise<void> {
  if (entries.length === 0) return;
  const idx = entries.map((e) => e.index.toString());
  const identity = entries.map((e) => encoding.toHex(e.identity));
  const leaf = entries.map((e) => encoding.toHex(e.leafHash));
  const data = entries.map((e) => encoding.toHex(e.data));
  const extra = entries.map((e) => (e.extra === undefined ? null : encoding.toHex(e.extra)));
  await sql`
    INSERT INTO log_entries (tree_id, idx, identity, leaf_hash, data, extra, sequenced_at)
    SELECT ${treeId}, i, decode(a, 'hex'), decode(l, 'hex'), decode(d, 'hex'), decode(x, 'hex'), ${sequencedAt}
    FROM unnest(${idx}::int8[], ${identity}::text[], ${leaf}::text[], ${data}::text[], ${extra}::text[]) AS t(i, a, l, d, x)`.execute(tx);
  const keyRows = entries.flatMap((e) => [...new Set(e.keys)].map((k) => [k, e.index.toString()] as const));
  if (keyRows.length === 0) return;
  await sql`
    INSERT INTO log_entry_keys (tree_id, key, idx)
    SELECT ${treeId}, k, i FROM unnest(${keyRows.map((r) => r[0])}::text[], ${keyRows.map((r) => r[1])}::int8[]) AS t(k, i)
    ON CONFLICT DO NOTHING`.execute(tx);
}

export interface IntegrationRow {
  size: bigint;
  rootHash: Uint8Array;
  checkpoint: string;
}

export async function lockIntegration(tx: LogTx, treeId: bigint): Promise<IntegrationRow> {
  const row = await tx.selectFrom('log_integration').select(['size', 'root_hash', 'checkpoint']).where('tree_id', '=', treeId).forUpdate().executeTakeFirstOrThrow();
  return { size: row.size, rootHash: row.root_hash, checkpoint: row.checkpoint };
}

export async function readIntegration(db: Queryable, treeId: bigint): Promise<IntegrationRow> {
  const row = await db.selectFrom('log_integration').select(['size', 'root_hash', 'checkpoint']).where('tree_id', '=', treeId).executeTakeFirstOrThrow();
  return { size: row.size, rootHash: row.root_hash, checkpoint: row.checkpoint };
}

/** The integrated state and the next index to sequence, read together without locking anything. */
export async function readProgress(db: Queryable, treeId: bigint): Promise<IntegrationRow & { nextIndex: bigint }> {
  const row = await db
    .selectFrom('log_integration')
    .innerJoin('log_sequence', 'log_sequence.tree_id', 'log_integration.tree_id')
    .select(['log_integration.size', 'log_integration.root_hash', 'log_integration.checkpoint', 'log_sequence.next_index'])
    .where('log_integration.tree_id', '=', treeId)
    .executeTakeFirstOrThrow();
  return { size: row.size, rootHash: row.root_hash, checkpoint: row.checkpoint, nextIndex: row.next_index };
}

/**
 * An entry's integration time is the signing time of the first checkpoint that covered it: the one with the
 * smallest size above its index. This query finds that checkpoint; everything that reads integration times
 * builds on it.
 */
function firstCoveringCheckpoint(db: Queryable, treeId: bigint, index: bigint) {
  return db.selectFrom('log_checkpoints').where('log_checkpoints.tree_id', '=', treeId).where('log_checkpoints.size', '>', index).orderBy('log_checkpoints.size').limit(1);
}

/**
 * The checkpoints that first covered entries `from..last`: sizes in (from, S] where S is the size of the first
 * checkpoint covering `last`, ascending, with their signing times. Empty while `last` is not integrated.
 */
export async function readCoveringCheckpoints(db: Queryable, treeId: bigint, from: bigint, last: bigint): Promise<CheckpointTime[]> {
  const rows = await db
    .selectFrom('log_checkpoints')
    .select(['size', 'created_at'])
    .where('tree_id', '=', treeId)
    .where('size', '>', from)
    .where('size', '<=', firstCoveringCheckpoint(db, treeId, last).select('log_checkpoints.size'))
    .orderBy('size')
    .execute();
  return rows.map((r) => ({ size: r.size, createdAt: r.created_at }));
}

export interface CheckpointTime {
  size: bigint;
  createdAt: Date;
}

/** The integration time of `index` among `times` (ascending, from readCoveringCheckpoints), if they cover it. */
export function coveringTime(times: readonly CheckpointTime[], index: bigint): Date | undefined {
  return times.find((t) => t.size > index)?.createdAt;
}

/** Compare-and-swap on the integrated size: true when this call moved it from `from`. */
export async function advanceIntegration(tx: LogTx, treeId: bigint, from: bigint, to: IntegrationRow): Promise<boolean> {
  const result = await tx
    .updateTable('log_integration')
    .set({ size: to.size, root_hash: to.rootHash, checkpoint: to.checkpoint, updated_at: sql`now()` })
    .where('tree_id', '=', treeId)
    .where('size', '=', from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function insertCheckpoint(tx: LogTx, treeId: bigint, checkpoint: IntegrationRow, createdAt: Date): Promise<void> {
  await tx
    .insertInto('log_checkpoints')
    .values({ tree_id: treeId, size: checkpoint.size, root_hash: checkpoint.rootHash, note: checkpoint.checkpoint, created_at: createdAt })
    .execute();
}

export async function readLeafHashes(db: Queryable, treeId: bigint, from: bigint, to: bigint): Promise<Uint8Array[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select('leaf_hash')
    .where('tree_id', '=', treeId)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => r.leaf_hash);
}

export interface TileRow {
  level: number;
  index: bigint;
  hashes: Uint8Array;
}

export async function readTileRows(db: Queryable, treeId: bigint, ids: ReadonlyArray<{ level: number; index: bigint }>): Promise<TileRow[]> {
  if (ids.length === 0) return [];
  const levels = ids.map((t) => t.level);
  const indices = ids.map((t) => t.index.toString());
  const { rows } = await sql<{ level: number; idx: bigint; hashes: Uint8Array }>`
    SELECT level, idx, hashes FROM log_tiles
    WHERE tree_id = ${treeId} AND (level, idx) IN (SELECT * FROM unnest(${levels}::int4[], ${indices}::int8[]))`.execute(db);
  return rows.map((r) => ({ level: r.level, index: r.idx, hashes: r.hashes }));
}

export async function writeTileRows(tx: LogTx, treeId: bigint, tiles: readonly TileRow[]): Promise<void> {
  if (tiles.length === 0) return;
  await tx
    .insertInto('log_tiles')
    .values(tiles.map((t) => ({ tree_id: treeId, level: t.level, idx: t.index, hashes: t.hashes })))
    .onConflict((oc) =>
      oc
        .columns(['tree_id', 'level', 'idx'])
        .doUpdateSet((eb) => ({ hashes: eb.ref('excluded.hashes') }))
        // Tiles only grow: a stale writer must never shorten one.
        .where(sql<boolean>`length(log_tiles.hashes) <= length(excluded.hashes)`),
    )
    .execute();
}

/** The checkpoint signed for exactly `size`, if the tree was ever integrated to that size. */
export async function readCheckpointAt(db: Queryable, treeId: bigint, size: bigint): Promise<IntegrationRow | undefined> {
  const row = await db.selectFrom('log_checkpoints').select(['size', 'root_hash', 'note']).where('tree_id', '=', treeId).where('size', '=', size).executeTakeFirst();
  return row && { size: row.size, rootHash: row.root_hash, checkpoint: row.note };
}

/** An entry as stored: the leaf, its hash, and what the personality kept beside it. */
export interface StoredEntry {
  index: bigint;
  data: Uint8Array;
  leafHash: Uint8Array;
  /** What the personality kept beside the leaf, if anything. */
  extra: Uint8Array | undefined;
}

const selectEntries = (db: Queryable, treeId: bigint) => db.selectFrom('log_entries').select(['idx', 'data', 'leaf_hash', 'extra']).where('tree_id', '=', treeId);

function toStoredEntry(row: { idx: bigint; data: Uint8Array; leaf_hash: Uint8Array; extra: Uint8Array | null }): StoredEntry {
  return { index: row.idx, data: row.data, leafHash: row.leaf_hash, extra: row.extra ?? undefined };
}

export async function readEntry(db: Queryable, treeId: bigint, index: bigint): Promise<StoredEntry | undefined> {
  const row = await selectEntries(db, treeId).where('idx', '=', index).executeTakeFirst();
  return row && toStoredEntry(row);
}

/** The entry with its integration time (undefined while no checkpoint covers it), in one query. */
export async function readEntryWithIntegrationTime(db: Queryable, treeId: bigint, index: bigint): Promise<(StoredEntry & { integratedAt: Date | undefined }) | undefined> {
  const row = await selectEntries(db, treeId)
    .select(firstCoveringCheckpoint(db, treeId, index).select('log_checkpoints.created_at').as('integrated_at'))
    .where('idx', '=', index)
    .executeTakeFirst();
  return row && { ...toStoredEntry(row), integratedAt: row.integrated_at ?? undefined };
}

/** The stored entries with indices in [from, to), ascending. */
export async function readEntries(db: Queryable, treeId: bigint, from: bigint, to: bigint): Promise<StoredEntry[]> {
  const rows = await selectEntries(db, treeId).where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
  return rows.map(toStoredEntry);
}

export async function findIndexByIdentity(db: Queryable, treeId: bigint, identity: Uint8Array): Promise<bigint | undefined> {
  const row = await db.selectFrom('log_entries').select('idx').where('tree_id', '=', treeId).where('identity', '=', identity).executeTakeFirst();
  return row?.idx;
}

/** The lowest index whose leaf has this hash (identities, not leaves, are unique: two entries may share a leaf). */
export async function findIndexByLeafHash(db: Queryable, treeId: bigint, leafHash: Uint8Array): Promise<bigint | undefined> {
  const row = await db.selectFrom('log_entries').select('idx').where('tree_id', '=', treeId).where('leaf_hash', '=', leafHash).orderBy('idx').limit(1).executeTakeFirst();
  return row?.idx;
}

/**
 * Indices of the entries carrying every one (`all`) or any (`any`) of `keys`, newest first, at most `limit`. The
 * database intersects or unites over the key index (one row per key and entry, the primary key), so a key shared
 * by many entries costs a scan there, not rows here.
 */
export async function findIndicesByKeys(db: Queryable, treeId: bigint, keys: readonly string[], match: 'all' | 'any', limit: number): Promise<bigint[]> {
  const distinct = [...new Set(keys)];
  if (distinct.length === 0 || limit <= 0) return [];
  const matching = db.selectFrom('log_entry_keys').select('idx').where('tree_id', '=', treeId).where('key', 'in', distinct).groupBy('idx');
  const rows = await (match === 'all' ? matching.having(sql`count(*)`, '=', distinct.length) : matching).orderBy('idx', 'desc').limit(limit).execute();
  return rows.map((r) => r.idx);
}

/** The leaf hashes of those of `indices` that exist. */
export async function readLeafHashesAt(db: Queryable, treeId: bigint, indices: readonly bigint[]): Promise<Map<bigint, Uint8Array>> {
  if (indices.length === 0) return new Map();
  const rows = await db.selectFrom('log_entries').select(['idx', 'leaf_hash']).where('tree_id', '=', treeId).where('idx', 'in', [...indices]).execute();
  return new Map(rows.map((r) => [r.idx, r.leaf_hash]));
}
