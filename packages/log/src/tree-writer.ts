import type { NoteSigner } from '@sigbox/merkle';
import { type Batcher, createBatcher } from './batcher.js';
import { LogError, engineErrorOf } from './errors.js';
import { type IntegratedState, type IntegrationRound, integrateRound } from './integrator.js';
import { createIntegrationLoop } from './integration-loop.js';
import { type EntryToSequence, type Sequenced, sequenceBatch } from './sequencer.js';
import { type LogDb, readProgress } from './storage.js';

/** An entry sequenced and integrated by a {@link TreeWriter}. */
export interface WrittenEntry extends Sequenced {
  /** A state that includes the entry. */
  state: IntegratedState;
  /** When the entry was integrated, if the writer ran that round itself; else the reader looks it up. */
  integratedAt: Date | undefined;
}

/** The write half of a tree: sequencing in batches, then integration rounds. */
export interface TreeWriter {
  /** Resolves once the entry is durably sequenced and integrated. */
  add(entry: EntryToSequence): Promise<WrittenEntry>;
  /** Resolves once the entry is durably sequenced; the round the sequencing kicked integrates it. */
  sequence(entry: EntryToSequence): Promise<Sequenced>;
  /** Runs integration rounds until nothing sequenced is left unintegrated. */
  drain(): Promise<void>;
  /** Stops taking entries and waits for the ones it took to be sequenced and integrated. */
  close(): Promise<void>;
}

export interface WriterSettings {
  treeId: bigint;
  origin: string;
  batchSize: number;
  batchMaxAgeMs: number;
  batchQuietMs: number;
  /** Least time between the starts of two integration rounds (0 = back to back). */
  integrationIntervalMs: number;
  maxPending: number;
  maxPerRound: number;
}

/** What a writer tells its tree as it goes (the reader's state and tiles, metrics). */
export interface WriterEvents {
  /** Every integration round, after its transaction committed. */
  onRound(round: IntegrationRound, durationMs: number): void;
  /** Every sequenced batch. */
  onSequenced(batchSize: number): void;
}

/**
 * The writer on this thread: a batcher hands whole batches to `sequenceBatch` (one transaction each) and kicks
 * the integration loop, whose rounds wake the entries they integrated. Integrates whatever a crash left
 * sequenced before it resolves, so no write is taken on top of an unintegrated tail.
 */
export async function openLocalWriter(
  db: LogDb,
  settings: WriterSettings & { signers: readonly NoteSigner[]; clock: () => Date },
  events: WriterEvents,
): Promise<TreeWriter> {
  const { treeId, origin, signers, clock, maxPerRound } = settings;
  const round = () => integrateRound({ db, treeId, origin, signers, clock, maxPerRound }).catch(rethrowAsEngineError);
  const loop = createIntegrationLoop(round, events.onRound, settings.integrationIntervalMs);
  const batcher: Batcher<EntryToSequence, Sequenced> = createBatcher({
    maxBatch: settings.batchSize,
    maxAgeMs: settings.batchMaxAgeMs,
    quietMs: settings.batchQuietMs,
    maxPending: settings.maxPending,
    flush: async (batch) => {
      const results = await sequenceBatch(db, treeId, batch, clock).catch(rethrowAsEngineError);
      events.onSequenced(batch.length);
      void loop.kick();
      return results;
    },
    // The batch behind one the database did not answer would wait out the same timeouts to learn the same.
    // So would every batch behind one refused for a frozen tree.
    failsQueue: (error) => isUnavailable(error) || isFrozen(error),
  });

  await loop.drain();

  return {
    async add(entry) {
      const sequenced = await batcher.add(entry);
      const integrated = await loop.waitFor(sequenced.index);
      return { ...sequenced, state: integrated.state, integratedAt: integrated.round?.createdAt };
    },
    sequence: (entry) => batcher.add(entry),
    async drain() {
      await loop.drain();
    },
    async close() {
      await batcher.close();
      await loop.drain();
      loop.stop();
    },
  };
}

/**
 * The writer of a tree opened for reads only (an inactive shard): takes no entries. Whatever a crash left sequenced
 * and unintegrated is integrated first, as any opening does, so every entry the tree ever acknowledged is readable.
 */
export async function openReadOnlyWriter(db: LogDb, settings: WriterSettings & { signers: readonly NoteSigner[]; clock: () => Date }, events: WriterEvents): Promise<TreeWriter> {
  const progress = await readProgress(db, settings.treeId);
  if (progress.size < progress.nextIndex) await (await openLocalWriter(db, settings, events)).close();
  const refuse = () => Promise.reject(new LogError('CLOSED', `tree ${settings.treeId} is open for reads only`));
  return { add: refuse, sequence: refuse, drain: () => Promise.resolve(), close: () => Promise.resolve() };
}

function rethrowAsEngineError(error: unknown): never {
  throw engineErrorOf(error);
}

const isUnavailable = (error: unknown): boolean => error instanceof LogError && error.code === 'UNAVAILABLE';
const isFrozen = (error: unknown): boolean => error instanceof LogError && error.code === 'TREE_FROZEN';
