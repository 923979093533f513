import type { Database } from '@sigbox/db';
import { bytesEqual, encoding } from '@sigbox/core';
import { EMPTY_ROOT, hashLeaf } from '@sigbox/merkle';
import { type LogDb, readIntegration, readNextIndex } from '../storage.js';
import type { LogTables } from '../tables.js';
import { type AuditedCheckpoint, countTiles, listTreeRows, readCheckpointPage, readEntryBatch, readUncheckedTiles } from './audit-storage.js';
import {
  type AuditProblem,
  type AuditTreeOptions,
  type AuditTreeRow,
  DEFAULT_AUDIT_BATCH,
  DEFAULT_AUDIT_BATCH_BYTES,
  DEFAULT_MAX_LISTED_PROBLEMS,
  type TreeAuditReport,
} from './audit-types.js';
import { checkCheckpoint } from './checkpoint-check.js';
import { ProblemLog } from './problem-log.js';
import { TileCheck } from './tile-check.js';
import { TreeRebuild } from './tree-rebuild.js';

/** Checkpoints are read a page at a time: a busy log signs one per integration round, millions of them. */
const CHECKPOINT_PAGE = 1024;

const logDb = (database: Database) => database.kysely.withTables<LogTables>() as unknown as LogDb;

/** Every tree in the database (`log_trees`), oldest first. */
export function listAuditTrees(database: Database): Promise<AuditTreeRow[]> {
  return listTreeRows(logDb(database));
}

/** Stored checkpoints in size order, read ahead one page. */
class CheckpointCursor {
  #page: AuditedCheckpoint[] = [];
  #at = 0;
  #after = 0n;
  #done = false;

  constructor(private readonly read: (after: bigint) => Promise<AuditedCheckpoint[]>) {}

  async peek(): Promise<AuditedCheckpoint | undefined> {
    if (this.#at === this.#page.length && !this.#done) {
      this.#page = await this.read(this.#after);
      this.#at = 0;
      this.#done = this.#page.length < CHECKPOINT_PAGE;
      const last = this.#page.at(-1);
      if (last) this.#after = last.size;
    }
    return this.#page[this.#at];
  }

  next(): void {
    this.#at++;
  }
}

/**
 * Proves a stored tree from its entries, the way a restored backup must be proven before it is trusted: streams the
 * entries in index order in bounded batches (memory stays flat for any size), recomputes each leaf hash from the
 * stored data (the engine's leaf is always RFC 6962's hash of `data`), rebuilds every tile with merkle's pure
 * `integrate` and compares each stored tile, recomputes the root at every stored checkpoint's size and verifies the
 * checkpoint note with `options.verifiers`, and checks the integration row against the checkpoint of its size.
 * Reads only, in one repeatable-read snapshot per tree; never locks.
 *
 * @example
 * for (const tree of await listAuditTrees(db)) {
 *   const report = await auditTree(db, tree, { verifiers: [createNoteVerifier(hostname, publicKey)] });
 *   if (report.problemCount > 0) console.log(report.problems);
 * }
 */
export function auditTree(database: Database, tree: AuditTreeRow, options: AuditTreeOptions): Promise<TreeAuditReport> {
  // One snapshot for the whole tree: on a live box the sequencer and integrator move on meanwhile, and entries,
  // tiles and checkpoints read at different moments would disagree without anything being wrong.
  return logDb(database).transaction().setIsolationLevel('repeatable read').execute((tx) => auditSnapshot(tx, tree, options));
}

async function auditSnapshot(db: LogDb, tree: AuditTreeRow, options: AuditTreeOptions): Promise<TreeAuditReport> {
  const { treeId, name, origin } = tree;
  const problems = new ProblemLog(options.maxListedProblems ?? DEFAULT_MAX_LISTED_PROBLEMS);
  const report = (p: Omit<AuditProblem, 'tree'>) => problems.add({ tree: name, ...p });
  const [integration, total] = await Promise.all([readIntegration(db, treeId), readNextIndex(db, treeId)]);
  const tiles = new TileCheck(db, treeId, integration.size, report);
  const cursor = new CheckpointCursor((after) => readCheckpointPage(db, treeId, after, CHECKPOINT_PAGE));
  const rebuild = new TreeRebuild();
  let checkpoints = 0;
  let signatures = 0;
  let integrationRoot: Uint8Array | undefined = integration.size === 0n ? new Uint8Array(EMPTY_ROOT) : undefined;
  // The integration row's note is checked as the stored ones are, but counted apart: it repeats the latest one.
  const check = (stored: { size: bigint; rootHash?: Uint8Array; note: string }, root: Uint8Array, counted = true) => {
    const result = checkCheckpoint(stored, origin, root, options.verifiers);
    result.problems.forEach(report);
    if (!counted) return;
    checkpoints++;
    if (result.verified && result.problems.every((p) => p.code !== 'CHECKPOINT_INVALID')) signatures++;
  };

  const batchSize = options.batchSize ?? DEFAULT_AUDIT_BATCH;
  const batchBytes = options.batchBytes ?? DEFAULT_AUDIT_BATCH_BYTES;
  while (rebuild.size < total) {
    const from = rebuild.size;
    const batch = await readEntryBatch(db, treeId, from, total, batchSize, batchBytes);
    const leaves: Uint8Array[] = [];
    for (const entry of batch) {
      if (entry.index !== from + BigInt(leaves.length)) break;
      const leaf = hashLeaf(entry.data);
      if (!bytesEqual(leaf, entry.leafHash)) {
        report({ code: 'LEAF_HASH_MISMATCH', index: entry.index, message: `entry ${entry.index}: stored leaf hash ${encoding.toHex(entry.leafHash)}, its data hashes to ${encoding.toHex(leaf)}` });
      }
      leaves.push(leaf);
    }
    // Append up to each stored checkpoint's size in turn, so every checkpoint meets the root at exactly its size.
    let at = 0;
    for (let cp = await cursor.peek(); cp && cp.size <= from + BigInt(leaves.length); cursor.next(), cp = await cursor.peek()) {
      const upTo = Number(cp.size - from);
      const root = rebuild.append(leaves.slice(at, upTo));
      at = upTo;
      check(cp, root);
      if (cp.size === integration.size) integrationRoot = root;
    }
    if (at < leaves.length) rebuild.append(leaves.slice(at));
    if (rebuild.size === integration.size && integrationRoot === undefined) integrationRoot = rebuild.root;
    await tiles.check(rebuild.takeTiles());
    options.onProgress?.({ tree: name, entriesDone: rebuild.size, entriesTotal: total });
    if (leaves.length < batch.length || leaves.length === 0) {
      report({ code: 'ENTRY_MISSING', index: rebuild.size, message: `entry ${rebuild.size} is missing (the sequencer's next index is ${total}): the tree cannot be rebuilt past it` });
      break;
    }
  }

  for (let cp = await cursor.peek(); cp; cursor.next(), cp = await cursor.peek()) {
    report({ code: 'CHECKPOINT_BEYOND_ENTRIES', size: cp.size, message: `checkpoint at size ${cp.size} is beyond the ${rebuild.size} entries rebuilt` });
  }
  // The integration row: its note is the checkpoint stored for its size (or the empty tree's), signed the same way.
  if (integrationRoot === undefined) {
    const why = integration.size > rebuild.size ? `is beyond the ${rebuild.size} entries rebuilt` : 'has no stored checkpoint';
    report({ code: 'INTEGRATION_MISMATCH', size: integration.size, message: `the integrated size ${integration.size} ${why}` });
  } else {
    check({ size: integration.size, rootHash: integration.rootHash, note: integration.checkpoint }, integrationRoot, false);
  }

  const stored = await countTiles(db, treeId);
  if (stored > tiles.compared) {
    for (const t of await readUncheckedTiles(db, treeId, tiles.settled, options.maxListedProblems ?? DEFAULT_MAX_LISTED_PROBLEMS)) {
      report({ code: 'TILE_EXTRA', level: t.level, index: t.index, message: `tile ${t.level}/${t.index} (${t.bytes} bytes) is stored but no entry accounts for it` });
    }
  }
  return { tree, entries: rebuild.size, integratedSize: integration.size, tiles: tiles.compared, checkpoints, signatures, problemCount: problems.count, problems: problems.listed };
}
