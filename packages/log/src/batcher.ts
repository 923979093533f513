import { LogError } from './errors.js';

export interface BatcherOptions<T, R> {
  /** Largest batch handed to `flush`. */
  maxBatch: number;
  /** How long the first item of a batch may wait for company before the batch goes anyway. */
  maxAgeMs: number;
  /**
   * A batch also goes once no item has joined it for this long (0 = only age and size count): a burst — the
   * clients of a closed loop, one CI job's signatures — is sequenced when it ends, not when its first item has aged.
   */
  quietMs?: number;
  /** Items queued or in flight beyond which `add` refuses at once with PUSHBACK. */
  maxPending: number;
  /** Handles one batch; must return one result per item, in order. A rejection fails the whole batch. */
  flush: (items: T[]) => Promise<R[]>;
  /**
   * Whether a flush's failure fails the items queued behind it as well (default: never). For failures that say the
   * next flush would fail the same way after as long a wait (a database that does not answer): those items are
   * answered now instead of one timeout later.
   */
  failsQueue?: (error: unknown) => boolean;
}

export interface Batcher<T, R> {
  add(item: T): Promise<R>;
  /** Items queued or being flushed. */
  readonly pending: number;
  /** Refuses new items and waits until everything queued has been flushed. */
  close(): Promise<void>;
}

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
  /** performance.now() when queued. */
  queuedAt: number;
}

/**
 * Group commit: one flush at a time; items arriving meanwhile form the next batch, which goes as soon as it is
 * full, as soon as the previous flush ends if it has waited `maxAgeMs`, when `maxAgeMs` passes, or when no item has
 * joined it for `quietMs`. Under load batches grow by themselves; when idle an item waits at most `quietMs` (or
 * `maxAgeMs` without it).
 */
export function createBatcher<T, R>(options: BatcherOptions<T, R>): Batcher<T, R> {
  const quietMs = options.quietMs ?? 0;
  let queue: Array<Waiting<T, R>> = [];
  let inFlight = 0;
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let drained: (() => void) | undefined;

  /** How long the queued batch may still wait; 0 = it goes now. */
  function waitLeft(now: number): number {
    const first = queue[0] as Waiting<T, R>;
    const last = queue[queue.length - 1] as Waiting<T, R>;
    if (queue.length >= options.maxBatch || closed) return 0;
    const byAge = first.queuedAt + options.maxAgeMs - now;
    return Math.max(0, quietMs > 0 ? Math.min(byAge, last.queuedAt + quietMs - now) : byAge);
  }

  function schedule(): void {
    if (flushing || queue.length === 0) return;
    const left = waitLeft(performance.now());
    if (left === 0) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      flushing = runFlush().finally(() => {
        flushing = undefined;
        schedule();
        if (queue.length === 0 && inFlight === 0) drained?.();
      });
    } else if (!timer) {
      // Armed once per wait; an item joining meanwhile only moves the quiet deadline, read again when it fires.
      timer = setTimeout(() => {
        timer = undefined;
        schedule();
      }, left);
    }
  }

  async function runFlush(): Promise<void> {
    const batch = queue.slice(0, options.maxBatch);
    queue = queue.slice(batch.length);
    inFlight = batch.length;
    try {
      const results = await options.flush(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i] as R));
    } catch (err) {
      const failed = options.failsQueue?.(err) === true ? [...batch, ...queue.splice(0)] : batch;
      for (const w of failed) w.reject(err);
    } finally {
      inFlight = 0;
    }
  }

  return {
    add(item) {
      if (closed) return Promise.reject(new LogError('CLOSED', 'the log is shutting down'));
      if (queue.length + inFlight >= options.maxPending) {
        return Promise.reject(new LogError('PUSHBACK', 'too many entries waiting to be sequenced', { details: { pending: queue.length + inFlight } }));
      }
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject, queuedAt: performance.now() });
        schedule();
      });
    },
    get pending() {
      return queue.length + inFlight;
    },
    close() {
      closed = true;
      if (queue.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        drained = resolve;
        schedule();
      });
    },
  };
}
