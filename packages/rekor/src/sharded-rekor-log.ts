import { type Signer, encoding } from '@sigbox/core';
import { LogError, type LogTree } from '@sigbox/log';
import { parseEntryRef } from './entry-id.js';
import { RekorError } from './errors.js';
import { MAX_SEARCH_INDEX_RESULTS } from './index-query.js';
import type { LogEntryMap } from './log-entry.js';
import { canonicalizeSearchEntry } from './proposed-entry.js';
import { type LogInfo, type RekorLog, createRekorLog, unknownKeyTree, unknownProofTree } from './rekor-log.js';
import { parseSearchLogQuery } from './search-query.js';

/** One tree of a sharded Rekor log and the key that signs its checkpoints and its entries' SETs. */
export interface RekorShard {
  /** Opened by the owner (an inactive shard may be opened `readOnly`), who closes it. */
  tree: LogTree;
  signer: Signer;
}

/** Where a shard sits in the log: its tree, key and range of global indexes. */
export interface ShardRange {
  treeId: bigint;
  logId: string;
  /** The global index of the shard's entry 0. */
  indexOffset: bigint;
  /** The final size of an inactive (frozen) shard; undefined for the active one. */
  frozenSize: bigint | undefined;
}

export interface ShardedRekorLogOptions {
  /** Oldest first; the last is the active shard, every other one is frozen (and frozen here if it is not yet). */
  shards: readonly RekorShard[];
  /**
   * The shard list as it is now (oldest first), for a create refused because another process froze the active
   * tree: the log then serves that list and retries the create once on its active shard.
   */
  refreshShards?: (() => Promise<readonly RekorShard[]>) | undefined;
  /** Memory for entries kept for reads, per shard; default DEFAULT_ENTRY_CACHE_BYTES. */
  entryCacheBytes?: number | undefined;
}

/** A Rekor log over several trees, of which the newest takes the writes (upstream's log shards). */
export interface ShardedRekorLog extends RekorLog {
  /** The shards as served now, oldest first. */
  ranges(): readonly ShardRange[];
  /**
   * Makes `shard` the active shard: freezes the active tree (no entry is sequenced into it once that returns) and
   * sends creates to `shard` from then on. Open `shard` before: creates go on meanwhile, and those the freeze refuses
   * wait for this switch and are retried on `shard` (no write freeze).
   */
  rotateTo(shard: RekorShard): Promise<void>;
  /** Serves `shards` (oldest first, extending the shards served now): what `refreshShards` does after it reads them. */
  setShards(shards: readonly RekorShard[]): Promise<void>;
}

interface Served {
  shard: RekorShard;
  log: RekorLog;
  range: ShardRange;
}

/** Whether a create failed because its tree was frozen under it (rekorErrorOf keeps the engine's error as the cause). */
function refusedAsFrozen(error: unknown): boolean {
  return error instanceof RekorError && error.cause instanceof LogError && error.cause.code === 'TREE_FROZEN';
}

/**
 * Rekor v1 over log shards, after rekor pkg/sharding and pkg/api at v1.5.4: a key rotation opens a new tree with the
 * new key; older trees are frozen but readable, each with its own key (SETs of its entries are signed with it).
 * Global (virtual) log indexes run through the inactive shards' final sizes, then the active shard
 * (`ResolveVirtualIndex`); entry IDs carry their tree ID; a 64-hex UUID is looked for in every shard, active
 * first (`retrieveLogEntry`). Unlike upstream, which stops writes while an operator freezes the old tree and
 * restarts with a new config, the freeze here is one database transaction and the switch happens at run time.
 */
export async function createShardedRekorLog(options: ShardedRekorLogOptions): Promise<ShardedRekorLog> {
  let served: Served[] = [];
  let switching: Promise<void> | undefined;

  const active = (): Served => served[served.length - 1] as Served;

  async function serve(shards: readonly RekorShard[]): Promise<void> {
    if (shards.length === 0) throw new RekorError('INTERNAL', 'a Rekor log needs at least one shard');
    served.forEach((s, i) => {
      if (shards[i]?.tree.treeId !== s.range.treeId) throw new RekorError('INTERNAL', `shard ${i} changed from tree ${s.range.treeId} to ${String(shards[i]?.tree.treeId)}`);
    });
    const next: Served[] = [];
    let offset = 0n;
    for (const [i, shard] of shards.entries()) {
      const last = i === shards.length - 1;
      // An inactive shard's size must never change again, or every later global index would move: freezing is
      // idempotent, so whoever learns of a newer shard first freezes the older ones.
      const frozenSize = last ? undefined : ((await shard.tree.frozenSize()) ?? (await shard.tree.freeze()));
      const known = served[i];
      const log = known?.log ?? createRekorLog({ tree: shard.tree, signer: shard.signer, entryCacheBytes: options.entryCacheBytes, indexOffset: offset });
      next.push({ shard, log, range: { treeId: shard.tree.treeId, logId: log.logId, indexOffset: offset, frozenSize } });
      if (frozenSize !== undefined) offset += frozenSize;
    }
    served = next;
  }

  /** One switch at a time; creates refused meanwhile wait for it. */
  function switchTo(shards: () => readonly RekorShard[] | Promise<readonly RekorShard[]>): Promise<void> {
    const run = (switching ?? Promise.resolve()).then(async () => serve(await shards()));
    const current = run.finally(() => {
      if (switching === current) switching = undefined;
    });
    switching = current;
    return current;
  }

  await serve(options.shards);

  const byTree = (treeId: bigint): Served | undefined => served.find((s) => s.range.treeId === treeId);
  /** Active first, as upstream looks a UUID up. */
  const newestFirst = (): Served[] => [...served].reverse();

  async function createEntry(body: unknown): Promise<{ entryId: string; entry: LogEntryMap }> {
    const first = active();
    try {
      return await first.log.createEntry(body);
    } catch (error) {
      if (!refusedAsFrozen(error)) throw error;
      // Another rotation froze the tree: learn the new shard list (or wait for this process's switch), then once more.
      if (active() === first) {
        if (switching) await switching;
        else if (options.refreshShards) await switchTo(options.refreshShards);
      }
      if (active() === first) throw error;
      return active().log.createEntry(body);
    }
  }

  /** The shard holding global index `index` (rekor ResolveVirtualIndex: past the inactive ones, the active shard). */
  const shardOfIndex = (index: bigint): Served =>
    served.find((s) => s.range.frozenSize !== undefined && index < s.range.indexOffset + s.range.frozenSize) ?? active();

  async function getEntryByRef(ref: string): Promise<LogEntryMap | undefined> {
    const { treeId } = parseEntryRef(ref);
    if (treeId !== undefined) return byTree(treeId)?.log.getEntryByRef(ref);
    for (const s of newestFirst()) {
      const found = await s.log.getEntryByRef(ref);
      if (found) return found;
    }
    return undefined;
  }

  /** Every shard's entry with this 64-hex UUID (rekor SearchLogQueryHandler looks a hash up in all shards). */
  async function everyShardsEntry(uuid: string): Promise<LogEntryMap[]> {
    const found = await Promise.all(newestFirst().map((s) => s.log.getEntryByRef(uuid)));
    return found.filter((e): e is LogEntryMap => e !== undefined);
  }

  /**
   * A shard's log info; an inactive shard's, once integrated to its final size, never changes again and is kept
   * (upstream signs it once at start-up: `cachedCheckpoints`).
   */
  const finalInfo = new Map<bigint, LogInfo>();
  async function shardInfo(s: Served): Promise<LogInfo> {
    const kept = finalInfo.get(s.range.treeId);
    if (kept) return kept;
    const info = await s.log.logInfo();
    if (s.range.frozenSize !== undefined && BigInt(info.treeSize) === s.range.frozenSize) finalInfo.set(s.range.treeId, info);
    return info;
  }

  const log: ShardedRekorLog = {
    get tree() {
      return active().shard.tree;
    },
    get treeId() {
      return active().range.treeId;
    },
    get logId() {
      return active().log.logId;
    },
    get publicKeyPem() {
      return active().log.publicKeyPem;
    },
    createEntry,
    getEntryByIndex: (index) => shardOfIndex(index).log.getEntryByIndex(index),
    getEntryTextByIndex: (index) => shardOfIndex(index).log.getEntryTextByIndex(index),
    getEntryByRef,
    // Upstream's order: 80-hex entry IDs as given, then 64-hex UUIDs and proposed entries (each in every shard), then log indexes.
    async searchLogQuery(body) {
      const query = parseSearchLogQuery(body);
      const byId: LogEntryMap[] = [];
      const hashes: string[] = [];
      for (const ref of query.entryUUIDs) {
        const { treeId, uuid } = parseEntryRef(ref);
        if (treeId === undefined) hashes.push(uuid);
        else {
          const found = await byTree(treeId)?.log.getEntryByRef(ref);
          if (found) byId.push(found);
        }
      }
      for (const proposed of query.entries) hashes.push(encoding.toHex((await canonicalizeSearchEntry(proposed)).leafHash));
      const byHash: LogEntryMap[] = [];
      for (const uuid of hashes) byHash.push(...(await everyShardsEntry(uuid)));
      const byIndex: LogEntryMap[] = [];
      for (const index of query.logIndexes) {
        const found = await shardOfIndex(index).log.getEntryByIndex(index);
        if (found) byIndex.push(found);
      }
      return [...byId, ...byHash, ...byIndex];
    },
    // Entry IDs newest first: the active shard's, then older shards', at most MAX_SEARCH_INDEX_RESULTS in all.
    async searchIndex(body) {
      const ids: string[] = [];
      for (const s of newestFirst()) {
        if (ids.length >= MAX_SEARCH_INDEX_RESULTS) break;
        ids.push(...(await s.log.searchIndex(body)));
      }
      return ids.slice(0, MAX_SEARCH_INDEX_RESULTS);
    },
    // rekor GetLogInfoHandler: the active tree's fields, and `inactiveShards` (oldest first) only when there are some.
    async logInfo() {
      const infos = await Promise.all(served.map(shardInfo));
      const activeInfo = infos[infos.length - 1] as LogInfo;
      return infos.length === 1 ? activeInfo : { ...activeInfo, inactiveShards: infos.slice(0, -1) };
    },
    logProof(firstSize, lastSize, treeId) {
      const target = treeId === undefined ? active() : byTree(treeId);
      if (!target) return Promise.reject(unknownProofTree(treeId as bigint));
      return target.log.logProof(firstSize, lastSize, target.range.treeId);
    },
    publicKey(treeId) {
      const target = treeId === undefined ? active() : byTree(treeId);
      if (!target) throw unknownKeyTree();
      return target.log.publicKeyPem;
    },
    ranges: () => served.map((s) => s.range),
    rotateTo: (shard) => switchTo(() => [...served.map((s) => s.shard), shard]),
    setShards: (shards) => switchTo(() => shards),
  };
  return log;
}
