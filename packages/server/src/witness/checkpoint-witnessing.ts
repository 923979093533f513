import type { Database } from '@sigbox/db';
import { type NoteSignature, parseSignedNote } from '@sigbox/merkle';
import { DEFAULT_WITNESS_TIMEOUT_MS, type PolicyWitness, type WitnessPolicy, WitnessError, cosignedBy, quorumSatisfied } from '@sigbox/witness';
import type { Logger } from 'pino';
import { type CheckpointToWitness, sendToWitness } from './send-to-witness.js';
import type { WitnessMetrics } from './witness-metrics.js';
import { createWitnessReport } from './witness-report.js';
import { type WitnessedCheckpoint, createWitnessedStore } from './witnessed-store.js';

/**
 * What the Rekor v2 log asks of witnessing (@sigbox/rekor's CheckpointWitnessing), implemented here: both answer a
 * checkpoint note carrying the log's signature and at least one witness cosignature, or undefined. `cosigned(size)`
 * waits at most the configured bound for the round in flight (a witness down or slow never stops the log) and may
 * answer a larger size than asked.
 */
import type { CheckpointWitnessing } from '@sigbox/rekor';
export type { CheckpointWitnessing };

/** The tree side: its newest signed checkpoint and consistency proofs (a @sigbox/log TreeReader is one). */
export interface CheckpointSource {
  latest(): Promise<{ size: bigint; checkpoint: string }>;
  consistencyProof(size1: bigint, size2: bigint): Promise<Uint8Array[]>;
}

/** How long `cosigned(size)` waits for a round by default: an entry's answer should not wait longer on witnesses. */
export const DEFAULT_COSIGNED_WAIT_MS = 1_000;
/**
 * Rounds start on `checkpointIntegrated()`; this poll also catches checkpoints other processes integrated and
 * retries witnesses that were down while the log is idle.
 */
export const DEFAULT_WITNESS_POLL_MS = 10_000;

export interface CheckpointWitnessingOptions {
  readonly database: Database;
  readonly treeId: bigint;
  readonly source: CheckpointSource;
  readonly policy: WitnessPolicy;
  readonly logger: Logger;
  readonly metrics: WitnessMetrics;
  /** Per add-checkpoint request; default DEFAULT_WITNESS_TIMEOUT_MS (@sigbox/witness). */
  readonly timeoutMs?: number;
  /** How long `cosigned(size)` waits; default DEFAULT_COSIGNED_WAIT_MS. */
  readonly waitMs?: number;
  /** 0 disables the poll; default DEFAULT_WITNESS_POLL_MS. */
  readonly pollMs?: number;
  readonly clock?: () => Date;
}

export interface CheckpointWitnessingService extends CheckpointWitnessing {
  /** A new checkpoint exists (the tree's `onIntegrated` hook): a round starts, or follows the one running. */
  checkpointIntegrated(): void;
  /** Resolves once the round in flight (if any) has ended: for tests and orderly shutdown. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Waiter {
  readonly size: bigint;
  readonly resolve: (note: string | undefined) => void;
}

/**
 * Witnessing of one tree's checkpoints, fail-open: each new checkpoint goes to every witness of the policy in
 * parallel with its consistency proof; verified cosignatures are merged into the note and stored for every process.
 * Rounds coalesce: while one runs, newer checkpoints wait and the next round takes the newest.
 */
export function createCheckpointWitnessing(options: CheckpointWitnessingOptions): CheckpointWitnessingService {
  const { source, policy, logger, metrics } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WITNESS_TIMEOUT_MS;
  const waitMs = options.waitMs ?? DEFAULT_COSIGNED_WAIT_MS;
  const clock = options.clock ?? (() => new Date());
  const store = createWitnessedStore(options.database, options.treeId);
  const log = logger.child({ component: 'witness', treeId: options.treeId.toString() });
  /** The size each witness last cosigned as far as this process knows (0: unknown, learnt from its 409). */
  const lastSize = new Map<string, bigint>(policy.witnesses.map((w) => [w.name, 0n]));
  const report = createWitnessReport(metrics, log);
  let newest: WitnessedCheckpoint | undefined;
  let waiters: Waiter[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  /** Keeps the newest cosigned checkpoint seen (rows only gain lines, so a later read of one size is as good) and wakes its waiters. */
  function remember(found: WitnessedCheckpoint | undefined): void {
    if (found === undefined || (newest !== undefined && found.size < newest.size)) return;
    const current = found;
    newest = current;
    const ready = waiters.filter((w) => w.size <= current.size);
    waiters = waiters.filter((w) => w.size > current.size);
    for (const w of ready) w.resolve(current.note);
  }

  async function ask(witness: PolicyWitness, target: CheckpointToWitness): Promise<readonly NoteSignature[]> {
    try {
      const signatures = await sendToWitness(witness, target, {
        consistencyProof: (from, to) => source.consistencyProof(from, to),
        oldSize: lastSize.get(witness.name) ?? 0n,
        timeoutMs,
        onConflict(size) {
          lastSize.set(witness.name, size);
          report(witness, 'conflict', target.size);
        },
      });
      if (signatures.length > 0) {
        lastSize.set(witness.name, target.size);
        metrics.cosignedSize(witness.name, target.size);
        report(witness, 'cosigned', target.size);
      }
      return signatures;
    } catch (error) {
      report(witness, error instanceof WitnessError ? error.code.toLowerCase() : 'error', target.size, error);
      return [];
    }
  }

  async function round(): Promise<void> {
    const started = performance.now();
    const { size, checkpoint } = await source.latest();
    if (size === 0n) return; // nothing to protect yet
    metrics.checkpointSize(size);
    const stored = await store.at(size);
    // Witnesses that cosigned this size (here or in another process) are not asked again.
    const done = stored === undefined ? new Set<string>() : cosignedBy(stored.note, policy.witnesses);
    const pending = policy.witnesses.filter((w) => !done.has(w.name));
    let result = stored;
    if (pending.length > 0) {
      const target = { size, checkpoint, text: parseSignedNote(checkpoint).text };
      const cosignatures = (await Promise.all(pending.map((w) => ask(w, target)))).flat();
      if (cosignatures.length > 0) result = await store.add(checkpoint, cosignatures, clock());
      metrics.round(performance.now() - started);
    }
    const met = result !== undefined && quorumSatisfied(policy.quorum, cosignedBy(result.note, policy.witnesses));
    metrics.quorumMet(met);
    if (pending.length > 0 && !met) log.debug({ size: size.toString() }, 'checkpoint below the witness quorum');
    remember(result);
    // No witness cosigned this size: entries it covers are answered now with the log's own checkpoint, not after
    // waitMs (a witness that refuses connections then costs one round trip per round, not a second per entry).
    if (result === undefined || result.size < size) release(size);
  }

  /** Answers every waiter for a size up to `size` with undefined (fail-open). */
  function release(size: bigint): void {
    const done = waiters.filter((w) => w.size <= size);
    waiters = waiters.filter((w) => w.size > size);
    for (const w of done) w.resolve(undefined);
  }

  function kick(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (error) {
          // The tree or the database failed, not a witness: the next checkpoint or poll tries again.
          log.warn({ err: error instanceof Error ? error.message : String(error) }, 'witnessing round failed');
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
  }

  const poll = (options.pollMs ?? DEFAULT_WITNESS_POLL_MS) > 0 ? setInterval(kick, options.pollMs ?? DEFAULT_WITNESS_POLL_MS) : undefined;
  poll?.unref();
  kick();

  async function newestStored(): Promise<WitnessedCheckpoint | undefined> {
    remember(await store.newest());
    return newest;
  }

  return {
    checkpointIntegrated: kick,
    async settled() {
      while (running) await running;
    },
    async latest() {
      return (await newestStored())?.note;
    },
    async cosigned(size) {
      if (newest !== undefined && newest.size >= size) return newest.note;
      const found = await newestStored();
      if (found !== undefined && found.size >= size) return found.note;
      if (closed) return undefined;
      kick();
      return new Promise((resolve) => {
        const waiter: Waiter = { size, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve(undefined);
        }, waitMs).unref();
      });
    },
    async close() {
      closed = true;
      if (poll) clearInterval(poll);
      for (const w of waiters) w.resolve(undefined);
      waiters = [];
      while (running) await running;
    },
  };
}
