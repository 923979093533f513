import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTEGRATION_RETRY_FIRST_MS, INTEGRATION_RETRY_MAX_MS, createIntegrationLoop } from './integration-loop.js';
import type { IntegrationRound } from './integrator.js';

/** Rounds that each integrate everything sequenced so far (`sequenced`), taking `roundMs`. */
function rounds(roundMs: number) {
  let sequenced = 0n;
  let size = 0n;
  const starts: number[] = [];
  const run = async (): Promise<IntegrationRound> => {
    starts.push(performance.now());
    const target = sequenced;
    await new Promise((r) => setTimeout(r, roundMs));
    const previousSize = size;
    size = target;
    return { size, previousSize, more: false } as unknown as IntegrationRound;
  };
  return { run, starts, sequence: (n: number) => (sequenced += BigInt(n)) };
}

describe('createIntegrationLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs rounds back to back by default, one at a time, and wakes each waiter once its index is in', async () => {
    const r = rounds(5);
    const loop = createIntegrationLoop(r.run);
    const t0 = performance.now();
    r.sequence(1);
    void loop.kick();
    const first = loop.waitFor(0n);
    await vi.advanceTimersByTimeAsync(1);
    r.sequence(1);
    void loop.kick(); // during the first round: one more round follows it
    const second = loop.waitFor(1n);
    await vi.advanceTimersByTimeAsync(20);
    expect((await first).state.size).toBe(1n);
    expect((await second).state.size).toBe(2n);
    expect(r.starts.map((s) => s - t0)).toEqual([0, 5]);
  });

  it('with minIntervalMs starts the next round no sooner than that after the last one started', async () => {
    const r = rounds(5);
    const loop = createIntegrationLoop(r.run, undefined, 25);
    const t0 = performance.now();
    r.sequence(1);
    void loop.kick();
    await vi.advanceTimersByTimeAsync(1);
    r.sequence(1);
    void loop.kick();
    const waiting = loop.waitFor(1n);
    await vi.advanceTimersByTimeAsync(24);
    expect(r.starts.map((s) => s - t0)).toEqual([0, 25]);
    await vi.advanceTimersByTimeAsync(5);
    expect((await waiting).state.size).toBe(2n);
    // Idle, a kick starts a round at once.
    await vi.advanceTimersByTimeAsync(100);
    r.sequence(1);
    void loop.kick();
    expect(r.starts.length).toBe(3);
    expect(r.starts[2]! - t0).toBe(130);
  });

  it('after a failed round fails its waiters and tries again on its own, backing off, until a round succeeds', async () => {
    const starts: number[] = [];
    let failuresLeft = 4;
    const loop = createIntegrationLoop(async () => {
      starts.push(performance.now());
      if (failuresLeft-- > 0) throw new Error('database unavailable');
      return { size: 1n, previousSize: 0n, more: false } as unknown as IntegrationRound;
    });
    const t0 = performance.now();
    const failed = loop.waitFor(0n);
    const settled = failed.then(
      () => 'resolved',
      (e: unknown) => (e as Error).message,
    );
    void loop.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(await settled).toBe('database unavailable');
    // No one kicks again (a CT entry's SCT has gone out, nobody waits): the loop retries by itself.
    await vi.advanceTimersByTimeAsync(10_000);
    const first = INTEGRATION_RETRY_FIRST_MS;
    expect(starts.map((s) => s - t0)).toEqual([0, first, 3 * first, 7 * first, 15 * first]);
    expect((await loop.waitFor(0n)).state.size).toBe(1n);
    // Succeeded: no more rounds until asked.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts.length).toBe(5);
  });

  it('backs off to at most INTEGRATION_RETRY_MAX_MS, and stops retrying once stopped', async () => {
    const starts: number[] = [];
    const loop = createIntegrationLoop(async () => {
      starts.push(performance.now());
      throw new Error('database unavailable');
    });
    void loop.kick();
    await vi.advanceTimersByTimeAsync(120_000);
    const gaps = starts.slice(1).map((s, i) => s - (starts[i] as number));
    expect(Math.max(...gaps)).toBe(INTEGRATION_RETRY_MAX_MS);
    loop.stop();
    const count = starts.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(starts.length).toBe(count);
  });
});
