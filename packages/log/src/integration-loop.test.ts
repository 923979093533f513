import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIntegrationLoop } from './integration-loop.js';
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
});
