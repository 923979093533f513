import { LogError } from './errors.js';

export interface BatcherOptions<T, R> {
  /** Largest batch handed to `flush`. */
  maxBatch: number;
  /** How long the first item of a batch may wait for company before the batch goes anyway. */
  maxAgeMs: number;
  /** Items queued or in flight beyond which `add` refuses at once with PUSHBACK. */
  maxPending: number;
  /** Handles one batch; must return one result per item, in order. A rejection fails the whole batch. */
  flush: (items: T[]) => Promise<R[]>;
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
  queuedAt: number;
}

/**
 * Group commit: one flush at a time; items arriving meanwhile form the next batch, which goes as soon as
 * it is full, as soon as the previous flush ends if it has waited `maxAgeMs`, or when `maxAgeMs` passes.
 * Under load batches grow by themselves; when idle an item waits at most `maxAgeMs`.
 */
export function createBatcher<T, R>(options: BatcherOptions<T, R>): Batcher<T, R> {
  let queue: Array<Waiting<T, R>> = [];
  let inFlight = 0;
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let drained: (() => void) | undefined;

  function schedule(): void {
    if (flushing || queue.length === 0) return;
    const age = Date.now() - (queue[0] as Waiting<T, R>).queuedAt;
    if (queue.length >= options.maxBatch || age >= options.maxAgeMs || closed) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      flushing = runFlush().finally(() => {
        flushing = undefined;
        schedule();
        if (queue.length === 0 && inFlight === 0) drained?.();
      });
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        schedule();
      }, options.maxAgeMs - age);
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
      for (const w of batch) w.reject(err);
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
        queue.push({ item, resolve, reject, queuedAt: Date.now() });
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
