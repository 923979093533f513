import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from './batcher.js';
import { LogError } from './errors.js';

/** A batcher whose flushes are recorded with the fake clock's time and resolved by the test (or at once). */
function recorder(options: { maxBatch?: number; maxAgeMs?: number; quietMs?: number; maxPending?: number; flushMs?: number }) {
  const flushes: Array<{ at: number; items: number[] }> = [];
  const batcher = createBatcher<number, string>({
    maxBatch: options.maxBatch ?? 100,
    maxAgeMs: options.maxAgeMs ?? 20,
    maxPending: options.maxPending ?? 1000,
    ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
    flush: async (items) => {
      flushes.push({ at: performance.now(), items });
      if (options.flushMs) await new Promise((r) => setTimeout(r, options.flushMs));
      return items.map((i) => `done ${i}`);
    },
  });
  return { batcher, flushes };
}

describe('createBatcher', () => {
  let start: number;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    start = performance.now();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const since = (at: number) => at - start;

  it('sends a lone item when it has aged maxAgeMs, without a quiet period', async () => {
    const { batcher, flushes } = recorder({ maxAgeMs: 20 });
    const result = batcher.add(1);
    await vi.advanceTimersByTimeAsync(19);
    expect(flushes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBe('done 1');
    expect(flushes.map((f) => [since(f.at), f.items])).toEqual([[20, [1]]]);
  });

  it('sends a burst once nothing has joined it for quietMs, long before its first item has aged', async () => {
    const { batcher, flushes } = recorder({ maxAgeMs: 20, quietMs: 2 });
    const results = [batcher.add(1)];
    for (const i of [2, 3, 4]) {
      await vi.advanceTimersByTimeAsync(1);
      results.push(batcher.add(i));
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(flushes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all(results)).toEqual(['done 1', 'done 2', 'done 3', 'done 4']);
    expect(flushes.map((f) => [since(f.at), f.items])).toEqual([[5, [1, 2, 3, 4]]]);
  });

  it('still sends a steady stream by age: the quiet period never comes', async () => {
    const { batcher, flushes } = recorder({ maxAgeMs: 20, quietMs: 2 });
    for (let i = 0; i < 30; i++) {
      void batcher.add(i);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(25);
    // The last item joins at 29 ms: the second batch goes at 31 ms, quiet, before it would have aged (41 ms).
    expect(flushes.map((f) => since(f.at))).toEqual([20, 31]);
    expect(flushes.map((f) => f.items.length)).toEqual([20, 10]);
  });

  it('sends a full batch at once, and keeps one flush at a time: later items wait for the next', async () => {
    const { batcher, flushes } = recorder({ maxBatch: 3, maxAgeMs: 20, quietMs: 2, flushMs: 10 });
    for (const i of [1, 2, 3, 4, 5]) void batcher.add(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushes.map((f) => [since(f.at), f.items])).toEqual([[0, [1, 2, 3]]]);
    // Quiet since 0 ms, but the first flush holds the next until it ends at 10 ms.
    await vi.advanceTimersByTimeAsync(10);
    expect(flushes.map((f) => [since(f.at), f.items])).toEqual([
      [0, [1, 2, 3]],
      [10, [4, 5]],
    ]);
  });

  it('refuses with PUSHBACK beyond maxPending, and on close sends what it holds before it resolves', async () => {
    const { batcher, flushes } = recorder({ maxAgeMs: 1000, quietMs: 500, maxPending: 2 });
    const held = [batcher.add(1), batcher.add(2)];
    await expect(batcher.add(3)).rejects.toMatchObject({ code: 'PUSHBACK' });
    const closed = batcher.close();
    await vi.advanceTimersByTimeAsync(0);
    await closed;
    expect(await Promise.all(held)).toEqual(['done 1', 'done 2']);
    expect(flushes.map((f) => [since(f.at), f.items])).toEqual([[0, [1, 2]]]);
    await expect(batcher.add(4)).rejects.toBeInstanceOf(LogError);
  });

  it('fails the items queued behind a failed flush too when failsQueue says so, and only then', async () => {
    for (const failsQueue of [true, false]) {
      const flushes: number[][] = [];
      const batcher = createBatcher<number, string>({
        maxBatch: 2,
        maxAgeMs: 20,
        maxPending: 100,
        failsQueue: (error) => failsQueue && (error as Error).message === 'unreachable',
        flush: async (items) => {
          flushes.push(items);
          await new Promise((r) => setTimeout(r, 10));
          if (items.includes(1)) throw new Error('unreachable');
          return items.map((i) => `done ${i}`);
        },
      });
      const outcomes = Promise.allSettled([1, 2, 3, 4, 5].map((i) => batcher.add(i)));
      await vi.advanceTimersByTimeAsync(100);
      const answers = (await outcomes).map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message));
      // 1 and 2 were in the failed flush; 3, 4 and 5 waited behind it.
      expect(answers).toEqual(failsQueue ? Array(5).fill('unreachable') : ['unreachable', 'unreachable', 'done 3', 'done 4', 'done 5']);
      expect(flushes).toEqual(failsQueue ? [[1, 2]] : [[1, 2], [3, 4], [5]]);
    }
  });
});
