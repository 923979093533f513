import { describe, expect, it } from 'vitest';
import { createHandlerTurns } from './handler-turns.js';

const burn = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('handler turns', () => {
  it('gives turns in arrival order, never in the caller’s own turn', async () => {
    const turns = createHandlerTurns(20);
    const order: number[] = [];
    const all = [1, 2, 3, 4].map((n) => turns.next().then(() => order.push(n)));
    expect(turns.waiting()).toBe(4);
    await Promise.resolve();
    expect(order).toEqual([]);
    await Promise.all(all);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(turns.waiting()).toBe(0);
  });

  it('runs handlers for about its budget, then lets the event loop go round (timers, I/O) before the rest', async () => {
    const turns = createHandlerTurns(20);
    const ran: number[] = [];
    let beforeTimer = -1;
    // Each handler's synchronous part (after its turn) takes 8 ms: 8, 16 < 20, then 24 ≥ 20 ends the turn (fewer
    // when the machine is busy: the budget is wall time). The first sets a timer, due before the next check phase.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        turns.next().then(() => {
          if (i === 0) setTimeout(() => (beforeTimer = ran.length), 0);
          burn(8);
          ran.push(i);
        }),
      ),
    );
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(beforeTimer).toBeGreaterThanOrEqual(1);
    expect(beforeTimer).toBeLessThanOrEqual(3);
  });

  it('gives a turn to one handler at least, however long it runs', async () => {
    const turns = createHandlerTurns(0);
    let ran = 0;
    let beforeTimer = -1;
    await Promise.all(
      Array.from({ length: 3 }, (_, i) =>
        turns.next().then(() => {
          if (i === 0) setTimeout(() => (beforeTimer = ran), 0);
          ran += 1;
          burn(2);
        }),
      ),
    );
    expect(ran).toBe(3);
    expect(beforeTimer).toBe(1);
  });
});
