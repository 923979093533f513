import type { explorer } from '@sigbox/api';
import { encoding } from '@sigbox/core';
import type { Database } from '@sigbox/db';
import type { TreeReader } from '@sigbox/log';
import { RekorError, indexQueryKeys } from '@sigbox/rekor';
import { sigboxErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';
import { RequestProblem } from '../pipeline/request-problem.js';
import { ctOperations } from './explorer-ct.js';
import { type EntryRow, entriesByKey, newestEntries } from './explorer-queries.js';
import { badRequest, intParam } from './query-params.js';
import { type StaticSite, staticOperations } from './static-site.js';
import { type StatusTree, explorerStatus } from './explorer-status.js';

type Schemas = explorer.components['schemas'];
type EntrySummary = Schemas['EntrySummary'];

/** A Rekor v1 shard as the explorer reads it: its tree and the global index of its entry 0. */
export interface ExplorerShard {
  readonly treeId: bigint;
  readonly indexOffset: bigint;
}

export interface ExplorerDeps {
  readonly db: Database;
  /** The Rekor v1 shards, oldest first (ShardedRekorLog.ranges()). */
  readonly v1Shards: () => readonly ExplorerShard[];
  /** The Rekor v2 tree, when the box runs one. */
  readonly v2?: { readonly treeId: bigint; readonly tree: TreeReader } | undefined;
  /** The CT tree taking entries now, if the box runs a CT log (the certificates pages). */
  readonly ctTreeId?: (() => bigint | undefined) | undefined;
  /** Trees the status page reports (every log of the box). */
  readonly statusTrees: () => readonly StatusTree[];
  /** The built browser app. */
  readonly site: StaticSite;
  readonly clock?: () => Date;
}

const DEFAULT_LIST_LIMIT = 20;
const DEFAULT_SEARCH_LIMIT = 50;
const MAX_LIMIT = 100;

function summaryOf(log: 'v1' | 'v2', offset: bigint, row: EntryRow): EntrySummary {
  return {
    log,
    logIndex: Number(offset + row.idx),
    body: encoding.toBase64(row.data),
    integratedTime: row.integratedAt === null ? null : Math.floor(row.integratedAt.getTime() / 1000),
  };
}

/**
 * The search key one query names, normalised exactly as `/api/v1/index/retrieve` normalises it (the same keys are
 * stored for both log generations: rekor's kinds and rekor/v2/index-keys.ts).
 */
function searchKey(query: Readonly<Record<string, unknown>>): string {
  const given = (['hash', 'email', 'subject', 'publicKey'] as const).filter((n) => typeof query[n] === 'string' && query[n] !== '');
  if (given.length !== 1) throw badRequest('give exactly one of hash, email, subject, publicKey');
  const name = given[0] as string;
  const value = query[name] as string;
  const body = name === 'publicKey' ? { publicKey: { format: 'x509', content: encoding.toBase64(encoding.utf8(value)) } } : { [name]: value.trim() };
  try {
    const [key] = indexQueryKeys(body).keys;
    if (key === undefined) throw badRequest(`empty ${name}`);
    return key;
  } catch (err) {
    if (err instanceof RekorError) throw badRequest(err.message);
    throw err;
  }
}

const op = operationsOf<explorer.paths>();

/**
 * The explorer (issue 16 §1): its page and assets at `/` and `/explorer/…`, and the read API under
 * `/sigbox/v1/explorer` it needs beyond Rekor's own (openapi/explorer.yaml). Read-only; every query walks a primary
 * key or the checkpoint-time index backwards from the newest row and stops at the page size.
 */
export function createExplorerApi(deps: ExplorerDeps): Api {
  const { db } = deps;

  /** v1 entries below global index `before`, newest first, across shards (newest shard first). */
  async function v1Newest(before: number | undefined, limit: number): Promise<EntrySummary[]> {
    const out: EntrySummary[] = [];
    for (const shard of [...deps.v1Shards()].reverse()) {
      if (out.length >= limit) break;
      const local = before === undefined ? undefined : BigInt(before) - shard.indexOffset;
      if (local !== undefined && local <= 0n) continue;
      const rows = await newestEntries(db, shard.treeId, local, limit - out.length);
      out.push(...rows.map((r) => summaryOf('v1', shard.indexOffset, r)));
    }
    return out;
  }

  const list = op.get('/sigbox/v1/explorer/entries', async ({ query }) => {
    const log = query.log;
    if (log !== 'v1' && log !== 'v2') throw badRequest('log must be v1 or v2');
    const limit = intParam(query, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIST_LIMIT;
    const before = intParam(query, 'before', { min: 0 });
    let entries: EntrySummary[];
    if (log === 'v1') entries = await v1Newest(before, limit);
    else if (deps.v2) entries = (await newestEntries(db, deps.v2.treeId, before === undefined ? undefined : BigInt(before), limit)).map((r) => summaryOf('v2', 0n, r));
    else entries = [];
    const last = entries.at(-1);
    return { status: 200, body: entries.length === limit && last !== undefined && last.logIndex > 0 ? { entries, nextBefore: last.logIndex } : { entries } };
  });

  const search = op.get('/sigbox/v1/explorer/search', async ({ query }) => {
    const key = searchKey(query);
    const limit = intParam(query, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_SEARCH_LIMIT;
    const entries: EntrySummary[] = [];
    if (deps.v2) entries.push(...(await entriesByKey(db, deps.v2.treeId, key, limit)).map((r) => summaryOf('v2', 0n, r)));
    for (const shard of [...deps.v1Shards()].reverse()) {
      entries.push(...(await entriesByKey(db, shard.treeId, key, limit)).map((r) => summaryOf('v1', shard.indexOffset, r)));
    }
    return { status: 200, body: { entries } };
  });

  const v2Entry = op.get('/sigbox/v1/explorer/v2/entries/{logIndex}', async ({ params }) => {
    if (!/^\d{1,18}$/.test(params.logIndex as unknown as string)) throw badRequest('logIndex must be a non-negative integer');
    const index = BigInt(params.logIndex as unknown as string);
    const tree = deps.v2?.tree;
    const state = tree && (await tree.latest());
    const entry = state && index < state.size ? await tree.integratedEntry(index) : undefined;
    if (tree === undefined || state === undefined || entry === undefined) throw new RequestProblem('NOT_FOUND', 404, `no Rekor v2 entry ${index}`);
    const hashes = await tree.proveInclusion(index, entry.leafHash, state);
    return {
      status: 200,
      body: {
        log: 'v2' as const,
        logIndex: Number(index),
        body: encoding.toBase64(entry.data),
        integratedTime: Math.floor(entry.integratedAt.getTime() / 1000),
        inclusionProof: { logIndex: Number(index), treeSize: Number(state.size), rootHash: encoding.toHex(state.rootHash), hashes: hashes.map((h) => encoding.toHex(h)), checkpoint: state.checkpoint },
      },
    };
  });

  const status = op.get('/sigbox/v1/explorer/status', async () => ({ status: 200, body: await explorerStatus(db, deps.statusTrees(), (deps.clock ?? (() => new Date()))()) }));

  return {
    name: 'explorer',
    prefixes: ['/sigbox/v1/explorer', '/explorer'],
    errorFormat: sigboxErrorFormat,
    operations: [...staticOperations(deps.site), list, search, v2Entry, status, ...ctOperations(db, deps.ctTreeId ?? (() => undefined))],
  };
}
