import crypto from 'node:crypto';
import { type Database } from '@sigbox/db';
import { hashLeaf } from '@sigbox/merkle';
import { LogError } from './errors.js';
import { type IntegratedState, signEmptyCheckpoint } from './integrator.js';
import { createCheckpointNoteSigners, threadCheckpointSigners } from './checkpoint-signers.js';
import { openWriterThread } from './writer-thread-client.js';
import type { EntryToSequence, Sequenced } from './sequencer.js';
import { type TreeReader, createTreeReader } from './tree-reader.js';
import { type WriterEvents, type WriterSettings, openLocalWriter, openReadOnlyWriter } from './tree-writer.js';
import { type LogDb, findTree, freezeSequence, insertTree, listTreeRows, readFrozenSize } from './storage.js';
import type { LogTables } from './tables.js';
import type { OpenTreeOptions } from './tree-options.js';

/** Defaults after tessera (`WithBatching(256, …)`, `WithPushback(4096)`) with a shorter linger for latency. */
export const DEFAULT_BATCH_SIZE = 256;
export const DEFAULT_BATCH_MAX_AGE_MS = 20;
/**
 * A batch goes once nothing has joined it for this long: a burst is sequenced as it ends rather than when its
 * first entry is 20 ms old. Short enough to save most of the age, long enough that a steady stream still batches.
 */
export const DEFAULT_BATCH_QUIET_MS = 2;
export const DEFAULT_MAX_PENDING = 4096;
export const DEFAULT_MAX_PER_ROUND = 16_384;
/** C2SP tlog-tiles entry bundles prefix each entry with a uint16 length. */
export const DEFAULT_MAX_ENTRY_SIZE = 65_535;

export interface AddEntry {
  data: Uint8Array;
  /**
   * The RFC 6962 leaf hash of `data` (merkle's `hashLeaf`), when the caller has it already: a personality hashes
   * its leaf while canonicalizing it (a Rekor entry's UUID), and hashing the same bytes again would cost every
   * create a second pass. Taken as given: a hash that is not `data`'s would put into the tree a leaf its stored
   * data cannot be proven by, so pass only the one computed from these very bytes. Only code of this process
   * can pass it (the engine takes no entry from the network), and the personalities' suites check every proof
   * they answer against the hash of the data they stored.
   */
  leafHash?: Uint8Array;
  /** What makes two entries the same; defaults to the leaf hash. */
  identity?: Uint8Array;
  /** Search keys written with the entry, in the same transaction. */
  keys?: readonly string[];
  /** Bytes kept beside the leaf, not hashed into the tree (a CT entry's chain). */
  extra?: Uint8Array;
}

export interface AddedEntry {
  index: bigint;
  duplicate: boolean;
  leafHash: Uint8Array;
  /** A checkpoint that includes the entry. */
  checkpoint: IntegratedState;
  /** When the entry was first integrated (the time of the first checkpoint covering it). */
  integratedAt: Date;
}

export interface SequencedEntry extends Sequenced {
  leafHash: Uint8Array;
}

export interface LogTree extends TreeReader {
  readonly treeId: bigint;
  readonly origin: string;
  readonly createdAt: Date;
  /** Whether entries are sequenced and integrated on a worker thread of their own (see `writerThread`). */
  readonly writerThread: boolean;
  /**
   * Sequences the entry (durably, with its index) and resolves once it is integrated. Duplicates resolve
   * with the original's index and `duplicate: true`; what they mean is the personality's business.
   */
  add(entry: AddEntry): Promise<AddedEntry>;
  /**
   * Resolves once the entry is durably sequenced (its index fixed), without waiting for its integration, which
   * the sequencing has already set going (and start-up finishes after a crash). For a promise that need not
   * wait for proofs: a CT log's SCT.
   */
  sequence(entry: AddEntry): Promise<SequencedEntry>;
  /**
   * The final size once the tree is frozen (by any process: read from the database), else undefined. Entries below
   * it that are not integrated yet will be: a frozen tree's checkpoint reaches this size.
   */
  frozenSize(): Promise<bigint | undefined>;
  /** Freezes the tree ({@link freezeLogTree}) and resolves with its final size. */
  freeze(): Promise<bigint>;
  /** Integrates whatever is sequenced and not yet integrated (start-up does this before taking writes). */
  integrate(): Promise<void>;
  /** Stops taking entries and waits for the queued ones to finish. */
  close(): Promise<void>;
}

function randomTreeId(): bigint {
  // Trillian-style random positive int64 (rekor-cli rejects 0).
  const id = crypto.randomBytes(8).readBigUInt64BE() & 0x7fff_ffff_ffff_ffffn;
  return id === 0n ? 1n : id;
}

function entryToSequence(entry: AddEntry, maxEntrySize: number): EntryToSequence {
  if (entry.data.length > maxEntrySize) {
    throw new LogError('ENTRY_TOO_LARGE', `entry of ${entry.data.length} bytes exceeds ${maxEntrySize}`);
  }
  const leafHash = entry.leafHash ?? hashLeaf(entry.data);
  return { data: entry.data, leafHash, identity: entry.identity ?? leafHash, extra: entry.extra, keys: entry.keys ?? [] };
}

/**
 * Freezes tree `treeId` for good: once this resolves no entry is ever sequenced into it again, by any process or
 * writer thread (each batch reads the mark under the sequence row's lock, which the freeze takes too); their adds
 * reject with TREE_FROZEN. Entries sequenced before are still integrated. Resolves with the final size (the
 * same on every call). No write waits on it beyond one batch's transaction.
 */
export async function freezeLogTree(database: Database, treeId: bigint): Promise<bigint> {
  return freezeSequence(database.kysely.withTables<LogTables>() as unknown as LogDb, treeId, new Date());
}

/** A tree as listed by {@link listLogTrees}. */
export interface LogTreeListing {
  treeId: bigint;
  name: string;
  origin: string;
  createdAt: Date;
  /** The final size once frozen, else undefined. */
  frozenSize: bigint | undefined;
}

/**
 * Every tree in the database, oldest first (by creation): how a process learns of trees others created, e.g. the
 * shards a Rekor key rotation opened (a new shard is created before the old one is frozen, so this is shard order).
 */
export async function listLogTrees(database: Database): Promise<LogTreeListing[]> {
  return listTreeRows(database.kysely.withTables<LogTables>() as unknown as LogDb);
}

/** Opens (creating on first use) the tree `options.name`, integrating anything left from a crash first. */
export async function openLogTree(database: Database, options: OpenTreeOptions): Promise<LogTree> {
  const db = database.kysely.withTables<LogTables>() as unknown as LogDb;
  const clock = options.clock ?? (() => new Date());
  const signers = createCheckpointNoteSigners(options.signers);
  let row = await findTree(db, options.name);
  if (!row) {
    const treeId = randomTreeId();
    const origin = options.origin(treeId);
    await insertTree(db, { treeId, name: options.name, origin, emptyCheckpoint: (o) => signEmptyCheckpoint(o, signers) });
    row = await findTree(db, options.name);
    if (!row) throw new LogError('TREE_CONFLICT', `tree ${options.name} could not be created`);
  }
  const { treeId, origin } = row;
  const maxEntrySize = options.maxEntrySize ?? DEFAULT_MAX_ENTRY_SIZE;
  const reader = createTreeReader(db, treeId, { onProofSelfCheckFailed: options.onProofSelfCheckFailed });
  const settings: WriterSettings = {
    treeId,
    origin,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    batchMaxAgeMs: options.batchMaxAgeMs ?? DEFAULT_BATCH_MAX_AGE_MS,
    batchQuietMs: options.batchQuietMs ?? DEFAULT_BATCH_QUIET_MS,
    integrationIntervalMs: options.integrationIntervalMs ?? 0,
    maxPending: options.maxPending ?? DEFAULT_MAX_PENDING,
    maxPerRound: DEFAULT_MAX_PER_ROUND,
  };
  const events: WriterEvents = {
    onRound(round, durationMs) {
      // Tiles reach the cache only after the round's transaction committed (the writer calls back after it). A
      // round that found another process's work done still tells the reader the size it saw.
      reader.observeIntegration(round, round.tiles);
      options.onIntegrated?.(round, durationMs);
    },
    onSequenced: (batchSize) => options.onSequenced?.(batchSize),
  };
  const threadDatabase = (options.writerThread ?? true) && !options.clock && !options.readOnly ? database.threadOptions : undefined;
  const signersForThread = threadDatabase && threadCheckpointSigners(options.signers);
  const onThread = threadDatabase !== undefined && signersForThread !== undefined;
  const writer = onThread
    ? await openWriterThread({ database: threadDatabase, settings, signers: signersForThread }, events)
    : await (options.readOnly ? openReadOnlyWriter : openLocalWriter)(db, { ...settings, signers, clock }, events);

  return {
    ...reader,
    treeId,
    origin,
    createdAt: row.createdAt,
    writerThread: onThread,
    async add(entry) {
      const toSequence = entryToSequence(entry, maxEntrySize);
      const written = await writer.add(toSequence);
      const integratedAt = written.integratedAt ?? (await reader.integratedAt(written.index));
      return { index: written.index, duplicate: written.duplicate, leafHash: toSequence.leafHash, checkpoint: written.state, integratedAt };
    },
    async sequence(entry) {
      const toSequence = entryToSequence(entry, maxEntrySize);
      const sequenced = await writer.sequence(toSequence);
      return { index: sequenced.index, duplicate: sequenced.duplicate, leafHash: toSequence.leafHash };
    },
    frozenSize: () => readFrozenSize(db, treeId),
    freeze: () => freezeSequence(db, treeId, clock()),
    integrate: () => writer.drain(),
    close: () => writer.close(),
  };
}
