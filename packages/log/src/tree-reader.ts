import { encoding } from '@sigbox/core';
import {
  MerkleError,
  TILE_WIDTH,
  type Tile,
  type TileId,
  consistencyProof,
  consistencyProofTiles,
  encodeEntryBundle,
  inclusionProof,
  inclusionProofTiles,
  isValidInclusion,
  rootFromTiles,
  tileWidth,
  tilesNeededForAppend,
} from '@sigbox/merkle';
import { LogError } from './errors.js';
import type { IntegratedState } from './integrator.js';
import { coalesce } from './coalesce.js';
import {
  type LogDb,
  type StoredEntry,
  coveringTime,
  findIndexByIdentity,
  findIndexByLeafHash,
  findIndicesByKeys,
  readCheckpointAt,
  readCoveringCheckpoints,
  readEntries,
  readEntry,
  readEntryWithIntegrationTime,
  readIntegration,
  readLeafHashesAt,
  readTileRows,
} from './storage.js';
import { createTileCache, tileKey } from './tile-cache.js';

/** Reads of a tree: committed, immutable rows only, so no locks. */
export interface TreeReader {
  /**
   * What this process's integrator just committed: the state and the tiles it wrote. Reads then need no
   * query to know the size, and proofs use the integrator's tiles (interior hashes already computed).
   */
  observeIntegration(state: IntegratedState, tiles: readonly Tile[]): void;
  /** The newest integrated state (size, root, signed checkpoint). */
  latest(): Promise<IntegratedState>;
  /**
   * The newest state this process knows without a query (from its own integrations or its last `latest()`).
   * It may lag other processes: good for proving entries below its size, not for saying an entry is absent.
   */
  known(): IntegratedState | undefined;
  /** The checkpoint signed for exactly `size`, if the log ever integrated to that size. */
  checkpointAt(size: bigint): Promise<IntegratedState | undefined>;
  /** RFC 9162 inclusion proof of `index` in the tree of `size` (≤ the integrated size). */
  inclusionProof(index: bigint, size: bigint): Promise<Uint8Array[]>;
  /** Builds the proof and verifies it against `state` before returning it (verify what you emit). */
  proveInclusion(index: bigint, leafHash: Uint8Array, state: IntegratedState): Promise<Uint8Array[]>;
  /** RFC 9162 consistency proof from `size1` to `size2` (0 < size1 ≤ size2 ≤ the integrated size). */
  consistencyProof(size1: bigint, size2: bigint): Promise<Uint8Array[]>;
  entry(index: bigint): Promise<StoredEntry | undefined>;
  /** The entry with its integration time, in one query; undefined unless it exists and is integrated. */
  integratedEntry(index: bigint): Promise<(StoredEntry & { integratedAt: Date }) | undefined>;
  /** Entries [from, to) that are integrated, in index order. */
  entries(from: bigint, to: bigint): Promise<StoredEntry[]>;
  /** Entries [from, to) that are integrated, with their integration times, in index order (two queries). */
  integratedEntries(from: bigint, to: bigint): Promise<Array<StoredEntry & { integratedAt: Date }>>;
  /** The time of the first checkpoint that covered `index`. */
  integratedAt(index: bigint): Promise<Date>;
  findByIdentity(identity: Uint8Array): Promise<bigint | undefined>;
  findByLeafHash(leafHash: Uint8Array): Promise<bigint | undefined>;
  /**
   * Indices of the entries carrying all (`match: 'all'`) or any (`'any'`) of `keys`, newest first, at most `limit`
   * of them: the database intersects or unites, so the answer's size is bounded whatever the keys match.
   */
  findByKeys(keys: readonly string[], options: { match: 'all' | 'any'; limit: number }): Promise<bigint[]>;
  /** Leaf hashes of the given indices (those that exist), for turning index hits into entry IDs. */
  leafHashesAt(indices: readonly bigint[]): Promise<Map<bigint, Uint8Array>>;
  /** The root hash of the tree at `size` (≤ the integrated size). */
  rootAt(size: bigint): Promise<Uint8Array>;
  /**
   * Entry bundle `index` cut to `width` entries (C2SP tlog-tiles: each entry prefixed by its uint16
   * big-endian length), or undefined while the integrated tree does not reach that far.
   */
  entryBundle(index: bigint, width: number): Promise<Uint8Array | undefined>;
  /** Tile `level/index` cut to `width` hashes (C2SP tlog-tiles body), or undefined while the tree does not reach that far. */
  tile(level: number, index: bigint, width: number): Promise<Uint8Array | undefined>;
}

/** What a reader tells its tree as it goes (metrics). */
export interface ReaderEvents {
  /** An inclusion proof did not verify against the checkpoint it was built for (and was not returned). */
  onProofSelfCheckFailed?: (() => void) | undefined;
}

export function createTreeReader(db: LogDb, treeId: bigint, events: ReaderEvents = {}): TreeReader {
  const cache = createTileCache();
  let knownSize = 0n;
  let knownState: IntegratedState | undefined;

  async function latest(): Promise<IntegratedState> {
    const state = await readIntegration(db, treeId);
    if (state.size >= knownSize) {
      knownSize = state.size;
      knownState = state;
    }
    return state;
  }

  async function requireIntegrated(size: bigint): Promise<void> {
    if (size <= knownSize) return;
    const { size: integrated } = await latest();
    if (size > integrated) {
      throw new LogError('SIZE_OUT_OF_RANGE', `tree size ${size} is beyond the integrated size ${integrated}`, { details: { size, integrated } });
    }
  }

  /** `to`, or the integrated size if that is smaller (asking the database only beyond what this process knows). */
  async function integratedEnd(to: bigint): Promise<bigint> {
    const size = to <= knownSize ? knownSize : (await latest()).size;
    return to < size ? to : size;
  }

  /** Whether the integrated tree has at least `width` hashes in tile `level/index`. */
  async function reaches(level: number, index: bigint, width: number): Promise<boolean> {
    if (tileWidth(level, index, knownSize) >= width) return true;
    return tileWidth(level, index, (await latest()).size) >= width;
  }

  const fetchTiles = coalesce(
    (id: TileId) => tileKey(id.level, id.index),
    async (ids) => new Map((await readTileRows(db, treeId, ids)).map((row) => [tileKey(row.level, row.index), row])),
  );
  async function readTiles(ids: TileId[]) {
    const tiles = await cache.read(ids, async (missing) => {
      const rows = await fetchTiles(missing);
      return missing.flatMap((id) => rows.get(tileKey(id.level, id.index)) ?? []);
    });
    return (level: number, index: bigint) => tiles.get(tileKey(level, index));
  }

  async function inclusion(index: bigint, size: bigint): Promise<Uint8Array[]> {
    if (index < 0n || index >= size) throw new LogError('INDEX_OUT_OF_RANGE', `index ${index} is not below tree size ${size}`);
    await requireIntegrated(size);
    // Most proofs find every tile they need cached: prove from the cache as it is, without listing the tiles
    // first; only a proof that meets a missing or too narrow tile lists them and fetches what is missing.
    try {
      return inclusionProof(index, size, cache.peek);
    } catch (error) {
      if (!(error instanceof MerkleError && error.code === 'MISSING_TILE')) throw error;
    }
    return inclusionProof(index, size, await readTiles(inclusionProofTiles(index, size)));
  }

  // Entries another process integrated: one query for the checkpoints covering all of a turn's indices.
  const integrationTimes = coalesce(String, async (indices: bigint[]) => {
    const lowest = indices.reduce((a, b) => (b < a ? b : a));
    const highest = indices.reduce((a, b) => (b > a ? b : a));
    const times = await readCoveringCheckpoints(db, treeId, lowest, highest);
    return new Map(indices.flatMap((index) => {
      const time = coveringTime(times, index);
      return time ? [[index.toString(), time] as const] : [];
    }));
  });

  return {
    observeIntegration(state, tiles) {
      if (state.size <= knownSize) return;
      cache.remember(tiles);
      knownSize = state.size;
      knownState = { size: state.size, rootHash: state.rootHash, checkpoint: state.checkpoint };
    },
    known: () => knownState,
    latest,
    checkpointAt: (size) => readCheckpointAt(db, treeId, size),
    inclusionProof: inclusion,
    async proveInclusion(index, leafHash, state) {
      const proof = await inclusion(index, state.size);
      if (!isValidInclusion(index, state.size, leafHash, proof, state.rootHash)) {
        events.onProofSelfCheckFailed?.();
        throw new LogError('PROOF_SELF_CHECK_FAILED', `inclusion proof for ${index} does not verify at size ${state.size}`);
      }
      return proof;
    },
    async consistencyProof(size1, size2) {
      if (size1 <= 0n || size1 > size2) throw new LogError('SIZE_OUT_OF_RANGE', `no consistency proof from ${size1} to ${size2}`);
      await requireIntegrated(size2);
      return consistencyProof(size1, size2, await readTiles(consistencyProofTiles(size1, size2)));
    },
    entry: (index) => readEntry(db, treeId, index),
    async integratedEntry(index) {
      const found = await readEntryWithIntegrationTime(db, treeId, index);
      const integratedAt = found?.integratedAt;
      return found && integratedAt ? { ...found, integratedAt } : undefined;
    },
    async entries(from, to) {
      const end = await integratedEnd(to);
      if (from >= end) return [];
      return readEntries(db, treeId, from, end);
    },
    async integratedEntries(from, to) {
      const end = await integratedEnd(to);
      if (from >= end) return [];
      const stored = await readEntries(db, treeId, from, end);
      const times = await readCoveringCheckpoints(db, treeId, from, end - 1n);
      return stored.flatMap((entry) => {
        const integratedAt = coveringTime(times, entry.index);
        return integratedAt ? [{ ...entry, integratedAt }] : [];
      });
    },
    async integratedAt(index) {
      const time = (await integrationTimes([index])).get(index.toString());
      if (!time) throw new LogError('INDEX_OUT_OF_RANGE', `entry ${index} is not integrated`);
      return time;
    },
    findByIdentity: (identity) => findIndexByIdentity(db, treeId, identity),
    findByLeafHash: (leafHash) => findIndexByLeafHash(db, treeId, leafHash),
    findByKeys: (keys, { match, limit }) => findIndicesByKeys(db, treeId, keys, match, limit),
    leafHashesAt: (indices) => readLeafHashesAt(db, treeId, indices),
    async rootAt(size) {
      await requireIntegrated(size);
      return rootFromTiles(size, await readTiles(tilesNeededForAppend(size)));
    },
    async entryBundle(index, width) {
      if (!(await reaches(0, index, width))) return undefined;
      const from = index * BigInt(TILE_WIDTH);
      const stored = await readEntries(db, treeId, from, from + BigInt(width));
      if (stored.length !== width) throw new LogError('CORRUPT_STATE', `entry bundle ${index} has ${stored.length} of ${width} entries`);
      return encodeEntryBundle(stored.map((e) => e.data));
    },
    async tile(level, index, width) {
      if (!(await reaches(level, index, width))) return undefined;
      const read = await readTiles([{ level, index, width }]);
      const tile = read(level, index);
      return tile && concatHashes(tile.hashes);
    },
  };
}

function concatHashes(hashes: readonly Uint8Array[]): Uint8Array {
  return encoding.concatBytes(...hashes);
}
