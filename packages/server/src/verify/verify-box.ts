import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Database, type JsonValue, createDb, sql } from '@sigbox/db';
import { type AuditProblem, type AuditTreeRow, type TreeAuditReport, auditTree, listAuditTrees } from '@sigbox/log';
import { VerifyError } from '../error.js';
import { PGLITE_DIR, TRUSTED_ROOT_FILE } from '../start-server.js';
import { personalityNotes } from './personality-notes.js';
import { findTreeKey } from './tree-keys.js';
import { type TrustedLogKey, readTrustedLogKeys } from './trusted-log-keys.js';

export interface VerifyOptions {
  /** The data folder: PGlite lives in `<dataDir>/pglite` when no URL is given, trusted_root.json beside it. */
  readonly dataDir: string;
  readonly databaseUrl?: string;
  /** Default `<dataDir>/trusted_root.json`. */
  readonly trustedRootFile?: string;
  readonly onProgress?: (progress: VerifyProgress) => void;
}

export interface VerifyProgress {
  readonly tree: string;
  /** Entries proven so far, over all trees, of `total`. */
  readonly done: bigint;
  readonly total: bigint;
}

export interface TreeVerification extends TreeAuditReport {
  /** The trusted keys that verified its checkpoints. */
  readonly keys: readonly Pick<TrustedLogKey, 'kind' | 'baseUrl' | 'logId'>[];
  /** What was not checkable, said plainly (SETs and SCTs are not stored). */
  readonly notes: readonly string[];
}

export interface BoxVerification {
  readonly trees: readonly TreeVerification[];
  readonly problemCount: number;
}

function openDatabase(options: VerifyOptions): Database {
  if (options.databaseUrl !== undefined) return createDb({ url: options.databaseUrl });
  const dir = path.join(options.dataDir, PGLITE_DIR);
  if (!existsSync(dir)) throw new VerifyError('DATABASE_UNAVAILABLE', `no database at ${dir} (give --database-url for PostgreSQL)`);
  return createDb({ pglite: { dataDir: dir } });
}

/** The log ID each tree's key was bound to at its first start (`<kind>.tree.<id>.logId`, log-setup.ts). */
async function boundLogIds(db: Database): Promise<Map<string, string>> {
  const { rows } = await sql<{ name: string; value: JsonValue }>`SELECT name, value FROM sigbox_settings WHERE name LIKE '%.tree.%.logId'`.execute(db.kysely);
  const out = new Map<string, string>();
  for (const row of rows) {
    const treeId = /\.tree\.(\d+)\.logId$/.exec(row.name)?.[1];
    if (treeId !== undefined && typeof row.value === 'string') out.set(treeId, row.value);
  }
  return out;
}

async function sequencedTotal(db: Database): Promise<bigint> {
  const { rows } = await sql<{ n: string | null }>`SELECT sum(next_index)::text AS n FROM log_sequence`.execute(db.kysely);
  return BigInt(rows[0]?.n ?? '0');
}

async function latestNote(db: Database, treeId: bigint): Promise<string> {
  const { rows } = await sql<{ checkpoint: string }>`SELECT checkpoint FROM log_integration WHERE tree_id = ${treeId}`.execute(db.kysely);
  return rows[0]?.checkpoint ?? '';
}

/**
 * Proves what a database holds — after a restore, or any time: every tree in `log_trees` is rebuilt from its entries
 * and checked tile by tile and checkpoint by checkpoint (`@sigbox/log` auditTree), each checkpoint note verified with
 * the tree's key from the trust material (trusted_root.json's tlogs and ctlogs, matched by the notes' key hints and
 * the key the database bound to the tree). Reads only. Throws VerifyError when it cannot start checking (no trusted
 * root, no database); everything it finds is in the result.
 */
export async function verifyBox(options: VerifyOptions): Promise<BoxVerification> {
  const trustedRootFile = options.trustedRootFile ?? path.join(options.dataDir, TRUSTED_ROOT_FILE);
  let trusted: TrustedLogKey[];
  try {
    trusted = readTrustedLogKeys(await readFile(trustedRootFile, 'utf8'));
  } catch (cause) {
    if (cause instanceof VerifyError) throw new VerifyError(cause.code, `${trustedRootFile}: ${cause.message}`, { cause });
    throw new VerifyError('TRUSTED_ROOT_UNUSABLE', `cannot read the trusted root ${trustedRootFile}: ${(cause as Error).message}`, { cause });
  }
  const db = openDatabase(options);
  try {
    let trees: AuditTreeRow[];
    let bound: Map<string, string>;
    let total: bigint;
    try {
      [trees, bound, total] = await Promise.all([listAuditTrees(db), boundLogIds(db), sequencedTotal(db)]);
    } catch (cause) {
      throw new VerifyError('DATABASE_UNAVAILABLE', `cannot read the database: ${(cause as Error).message}`, { cause });
    }
    const results: TreeVerification[] = [];
    let before = 0n;
    for (const tree of trees) {
      let key;
      let report;
      try {
        key = findTreeKey(await latestNote(db, tree.treeId), trusted, bound.get(tree.treeId.toString()));
        report = await auditTree(db, tree, {
          verifiers: key.verifiers,
          onProgress: (p) => options.onProgress?.({ tree: tree.name, done: before + p.entriesDone, total }),
        });
      } catch (cause) {
        throw new VerifyError('DATABASE_UNAVAILABLE', `cannot read tree ${tree.name}: ${(cause as Error).message}`, { cause });
      }
      before += report.entries;
      const noKey: AuditProblem[] = key.problem === undefined ? [] : [{ code: 'NO_KEY', tree: tree.name, message: `tree ${tree.name}: ${key.problem}` }];
      results.push({
        ...report,
        problems: [...noKey, ...report.problems],
        problemCount: report.problemCount + noKey.length,
        keys: key.keys.map(({ kind, baseUrl, logId }) => ({ kind, baseUrl, logId })),
        notes: personalityNotes(tree.name, report.entries),
      });
    }
    return { trees: results, problemCount: results.reduce((n, t) => n + t.problemCount, 0) };
  } finally {
    await db.close();
  }
}
