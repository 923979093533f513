import type { IntegrationRound, IntegratedState } from './integrator.js';

export interface Integrated {
  state: IntegratedState;
  /** The round that integrated the entry, when this process saw it happen; else look the time up. */
  round: IntegrationRound | undefined;
}

/**
 * After a failed round the loop tries again on its own, first after this long, then twice as long each time up to
 * {@link INTEGRATION_RETRY_MAX_MS}, until a round succeeds: entries sequenced before the failure stay unintegrated
 * until a round runs, and none may come (a CT entry's SCT promises its integration, and no one waits on it).
 */
export const INTEGRATION_RETRY_FIRST_MS = 100;
/** A database that stays away is asked at this pace: one failing read per tree, cheap on both sides. */
export const INTEGRATION_RETRY_MAX_MS = 5_000;

interface Waiter {
  index: bigint;
  resolve: (value: Integrated) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs integration rounds in this process, one at a time, whenever sequencing asks, and wakes those waiting
 * for an index to be integrated. Other processes may integrate our entries: a round then finds them done.
 */
export function createIntegrationLoop(
  runRound: () => Promise<IntegrationRound>,
  onRound?: (round: IntegrationRound, durationMs: number) => void,
  /** Least time from one round's start to the next one's: rounds cost the same whatever they integrate. */
  minIntervalMs = 0,
) {
  let waiters: Waiter[] = [];
  let running: Promise<void> | undefined;
  let again = false;
  let known: IntegrationRound | undefined;
  let retryDelayMs = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  function retryLater(): void {
    if (stopped || retryTimer) return;
    retryDelayMs = retryDelayMs === 0 ? INTEGRATION_RETRY_FIRST_MS : Math.min(retryDelayMs * 2, INTEGRATION_RETRY_MAX_MS);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void kick();
    }, retryDelayMs);
    // A retry alone keeps no process alive: a server has its listener, a closed tree has stopped the loop.
    retryTimer.unref();
  }

  function settle(round: IntegrationRound): void {
    known = round;
    const still: Waiter[] = [];
    for (const w of waiters) {
      if (w.index >= round.size) still.push(w);
      else w.resolve({ state: round, round: w.index >= round.previousSize ? round : undefined });
    }
    waiters = still;
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        const started = performance.now();
        const round = await runRound();
        onRound?.(round, performance.now() - started);
        retryDelayMs = 0;
        settle(round);
        if (round.more) again = true;
        const rest = minIntervalMs - (performance.now() - started);
        if (again && rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      } catch (error) {
        // Sequenced entries stay durable; the next kick, a retry or start-up integrates them. Those waiting now
        // were not acknowledged, so failing them loses nothing.
        const failed = waiters;
        waiters = [];
        for (const w of failed) w.reject(error);
        retryLater();
        return;
      }
    } while (again);
  }

  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    kick,
    /** Resolves once `index` is integrated; call `kick` after sequencing so that it will be. */
    waitFor(index: bigint): Promise<Integrated> {
      if (known && index < known.size) return Promise.resolve({ state: known, round: index >= known.previousSize ? known : undefined });
      return new Promise<Integrated>((resolve, reject) => waiters.push({ index, resolve, reject }));
    },
    /** Runs rounds until nothing sequenced is left unintegrated (start-up recovery, tests). */
    async drain(): Promise<IntegratedState | undefined> {
      await kick();
      return known;
    },
    /** No more retries after a failed round (the tree is closing); kicks still run rounds. */
    stop(): void {
      stopped = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };
}
