import { type Signer, encoding, spkiDer, toPem } from '@sigbox/core';
import { type IntegratedState, type LogTree, mapLogErrors } from '@sigbox/log';
import type { EntryFacts } from './entry-cache.js';
import { createEntryFactsStore } from './entry-facts.js';
import { rekorErrorOf } from './engine-errors.js';
import { entryId, logIdHex, parseEntryRef } from './entry-id.js';
import { RekorError } from './errors.js';
import { MAX_SEARCH_INDEX_RESULTS, indexQueryKeys } from './index-query.js';
import { type LogEntryMap, logEntryJson } from './log-entry.js';
import { bodyOfTextParts, checkpointJsonBytes, logEntryText } from './log-entry-text.js';
import { canonicalizeSearchEntry, parseProposedEntry } from './proposed-entry.js';
import { checkRekorLogKey } from './rekor-tree.js';
import { parseSearchLogQuery } from './search-query.js';

export interface RekorLogOptions {
  /** The tree the log serves, opened from `rekorTreeDescription` by whoever owns (and closes) it. */
  tree: LogTree;
  /** The log key, which signs the tree's checkpoints too: ECDSA, kept across restarts. */
  signer: Signer;
  /** Memory for entries kept for reads; default DEFAULT_ENTRY_CACHE_BYTES (entry-facts.ts). */
  entryCacheBytes?: number | undefined;
  /**
   * The log's global index of this tree's entry 0 (default 0): the sum of the final sizes of the shards before it
   * (rekor pkg/sharding/log_index.go VirtualLogIndex at v1.5.4). Entries' `logIndex` and their SETs carry the
   * global index, `verification.inclusionProof.logIndex` the index in this tree, and the by-index reads take
   * global indexes (below the offset: not this tree's, undefined).
   */
  indexOffset?: bigint | undefined;
}

export interface LogInfo {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
  /** The frozen shards, oldest first; omitted when there are none (rekor GetLogInfoHandler at v1.5.4). */
  inactiveShards?: InactiveShardLogInfo[];
}

/**
 * The Rekor v1 API's logic on the log engine; the HTTP edge only moves JSON in and out. Its operations fail with
 * RekorErrors only (the engine's errors are mapped here); anything else is an unexpected failure (a generic 500).
 */
export interface RekorLog {
  /** The tree it serves (the C2SP tlog-tiles reads go to it directly). */
  readonly tree: LogTree;
  readonly treeId: bigint;
  /** Hex SHA-256 of the log key's SPKI (Rekor's logID). */
  readonly logId: string;
  readonly publicKeyPem: string;
  /** POST /api/v1/log/entries: the created entry (its ID is the map's only key), once integrated. */
  createEntry(body: unknown): Promise<{ entryId: string; entry: LogEntryMap }>;
  getEntryByIndex(index: bigint): Promise<LogEntryMap | undefined>;
  /** `JSON.stringify(await getEntryByIndex(index))`, serializing only the proof (the hot read). */
  getEntryTextByIndex(index: bigint): Promise<Uint8Array | undefined>;
  /** By 64-hex UUID or 80-hex entry ID. */
  getEntryByRef(ref: string): Promise<LogEntryMap | undefined>;
  searchLogQuery(body: unknown): Promise<LogEntryMap[]>;
  /** POST /api/v1/index/retrieve: entry IDs, newest first, at most MAX_SEARCH_INDEX_RESULTS (the rest left out). */
  searchIndex(body: unknown): Promise<string[]>;
  logInfo(): Promise<LogInfo>;
  logProof(firstSize: bigint, lastSize: bigint, treeId?: bigint): Promise<{ rootHash: string; hashes: string[] }>;
  publicKey(treeId?: bigint): string;
}

/** An inactive shard as GET /api/v1/log lists it (rekor models.InactiveShardLogInfo). */
export interface InactiveShardLogInfo {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
}

/** GET /api/v1/log/proof with a treeID the log does not serve: 400 with upstream's text (pkg/sharding/ranges.go GetLogRangeByTreeID). */
export const unknownProofTree = (treeId: bigint): RekorError => new RekorError('INVALID_REQUEST', `no log range found for tree ID ${treeId}`);
/**
 * GET /api/v1/log/publicKey with a treeID the log does not serve: 400, and upstream's handler passes no message, so
 * the body says `http.StatusText(400)` (pkg/api/public_key.go, pkg/api/error.go handleRekorAPIError at v1.5.4).
 */
export const unknownKeyTree = (): RekorError => new RekorError('INVALID_REQUEST', 'Bad Request');

/** The operations that reach the engine: their engine errors are mapped to RekorErrors on the way out. */
type EngineOperations = Omit<RekorLog, 'tree' | 'treeId' | 'logId' | 'publicKeyPem' | 'publicKey'>;

export function createRekorLog(options: RekorLogOptions): RekorLog {
  checkRekorLogKey(options.signer.publicKey);
  const { tree } = options;
  const logId = logIdHex(options.signer.publicKey);
  const publicKeyPem = toPem('PUBLIC KEY', spkiDer(options.signer.publicKey));
  const { treeId } = tree;
  const offset = options.indexOffset ?? 0n;

  const entries = createEntryFactsStore(tree, options.signer, logId, options.entryCacheBytes, offset);

  async function inclusionProofOf(index: bigint, facts: EntryFacts, state: IntegratedState) {
    const hashes = await tree.proveInclusion(index, facts.leafHash, state);
    return { logIndex: index, treeSize: state.size, rootHash: state.rootHash, hashes, checkpoint: state.checkpoint };
  }

  /** `body` when the caller has it at hand (the create path); otherwise read back from the cached text. */
  async function entryJson(index: bigint, facts: EntryFacts, state: IntegratedState, body = bodyOfTextParts(facts.text)): Promise<LogEntryMap> {
    return logEntryJson({
      entryId: entryId(treeId, facts.leafHash),
      body,
      integratedTime: facts.integratedTime,
      logId,
      logIndex: offset + index,
      inclusionProof: await inclusionProofOf(index, facts, state),
      signedEntryTimestamp: facts.signedEntryTimestamp,
    });
  }

  /** The entry at `index` of this tree. */
  async function entryAt(index: bigint): Promise<LogEntryMap | undefined> {
    const found = await entries.read(index);
    return found && entryJson(index, found.facts, found.state);
  }
  const getEntryByIndex = (logIndex: bigint) => (logIndex < offset ? Promise.resolve(undefined) : entryAt(logIndex - offset));

  // Every read at one tree size carries the same checkpoint: escape it once per size.
  let checkpointJson: { size: bigint; json: Uint8Array } = { size: -1n, json: new Uint8Array(0) };
  async function getEntryTextByIndex(logIndex: bigint): Promise<Uint8Array | undefined> {
    if (logIndex < offset) return undefined;
    const index = logIndex - offset;
    const found = await entries.read(index);
    if (!found) return undefined;
    const { facts, state } = found;
    if (checkpointJson.size !== state.size) checkpointJson = { size: state.size, json: checkpointJsonBytes(state.checkpoint) };
    return logEntryText(facts.text, await inclusionProofOf(index, facts, state), checkpointJson.json);
  }

  async function getByLeafHash(leafHash: Uint8Array): Promise<LogEntryMap | undefined> {
    const index = await tree.findByLeafHash(leafHash);
    return index === undefined ? undefined : entryAt(index);
  }


  const operations: EngineOperations = {
    async createEntry(body) {
      const entry = await parseProposedEntry(body);
      const added = await tree.add({ data: entry.canonicalBody, leafHash: entry.leafHash, keys: entry.indexKeys });
      const id = entryId(treeId, entry.leafHash);
      if (added.duplicate) {
        throw new RekorError('DUPLICATE_ENTRY', `an equivalent entry already exists in the transparency log with UUID ${id}`, { details: { entryId: id } });
      }
      const facts = await entries.record(added.index, entry.canonicalBody, entry.leafHash, added.integratedAt);
      return { entryId: id, entry: await entryJson(added.index, facts, added.checkpoint, entry.canonicalBody) };
    },
    getEntryByIndex,
    getEntryTextByIndex,
    async getEntryByRef(ref) {
      const { treeId: refTree, uuid } = parseEntryRef(ref);
      if (refTree !== undefined && refTree !== treeId) return undefined;
      return getByLeafHash(encoding.fromHex(uuid));
    },
    async searchLogQuery(body) {
      const query = parseSearchLogQuery(body);
      const found: Array<LogEntryMap | undefined> = [];
      for (const ref of query.entryUUIDs) {
        const { treeId: refTree, uuid } = parseEntryRef(ref);
        found.push(refTree !== undefined && refTree !== treeId ? undefined : await getByLeafHash(encoding.fromHex(uuid)));
      }
      for (const proposed of query.entries) found.push(await getByLeafHash((await canonicalizeSearchEntry(proposed)).leafHash));
      for (const index of query.logIndexes) found.push(await getEntryByIndex(index));
      return found.filter((e): e is LogEntryMap => e !== undefined);
    },
    async searchIndex(body) {
      const { operator, keys } = indexQueryKeys(body);
      if (keys.length === 0) return [];
      const indices = await tree.findByKeys(keys, { match: operator === 'and' ? 'all' : 'any', limit: MAX_SEARCH_INDEX_RESULTS });
      const leafHashes = await tree.leafHashesAt(indices);
      return indices.flatMap((i) => {
        const leaf = leafHashes.get(i);
        return leaf ? [entryId(treeId, leaf)] : [];
      });
    },
    async logInfo() {
      const state = await tree.latest();
      return { rootHash: encoding.toHex(state.rootHash), treeSize: Number(state.size), signedTreeHead: state.checkpoint, treeID: treeId.toString() };
    },
    async logProof(firstSize, lastSize, requestedTree) {
      if (requestedTree !== undefined && requestedTree !== treeId) throw unknownProofTree(requestedTree);
      const { size } = await tree.latest();
      if (lastSize > size) {
        throw new RekorError('INVALID_REQUEST', `the tree size requested(${lastSize}) was greater than what is currently observable(${size})`);
      }
      if (firstSize < 1n) throw new RekorError('INVALID_REQUEST', 'firstSize must be at least 1');
      if (firstSize > lastSize) throw new RekorError('INVALID_REQUEST', `firstSize(${firstSize}) must be less than lastSize(${lastSize})`);
      const hashes = firstSize === lastSize ? [] : await tree.consistencyProof(firstSize, lastSize);
      return { rootHash: encoding.toHex(await tree.rootAt(lastSize)), hashes: hashes.map((h) => encoding.toHex(h)) };
    },
  };

  const answered = <A extends unknown[], R>(operation: (...args: A) => Promise<R>) => mapLogErrors(operation, rekorErrorOf);
  return {
    tree,
    treeId,
    logId,
    publicKeyPem,
    createEntry: answered(operations.createEntry),
    getEntryByIndex: answered(operations.getEntryByIndex),
    getEntryTextByIndex: answered(operations.getEntryTextByIndex),
    getEntryByRef: answered(operations.getEntryByRef),
    searchLogQuery: answered(operations.searchLogQuery),
    searchIndex: answered(operations.searchIndex),
    logInfo: answered(operations.logInfo),
    logProof: answered(operations.logProof),
    publicKey(requestedTree) {
      if (requestedTree !== undefined && requestedTree !== treeId) throw unknownKeyTree();
      return publicKeyPem;
    },
  };
}

