import { describe, expect, it } from 'vitest';
import { slideWindow, withoutEvent } from './sliding-window.js';

describe('slideWindow', () => {
  it('grants up to the limit inside the window, then says when the oldest slot frees', () => {
    let events: readonly number[] = [];
    for (const t of [0, 100, 200]) {
      const v = slideWindow(events, t, 3, 1_000);
      expect(v.granted).toBe(true);
      events = v.kept;
    }
    expect(slideWindow(events, 500, 3, 1_000)).toEqual({ granted: false, kept: [0, 100, 200], retryAfterMs: 500 });
    // At 1000 the first event has left the window (it is live only while t > now - window).
    expect(slideWindow(events, 1_000, 3, 1_000)).toEqual({ granted: true, kept: [100, 200, 1_000] });
  });

  it('never lets limit+1 through in any window, whatever order the events are stored in', () => {
    const v = slideWindow([900, 100, 500, 950], 990, 2, 1_000);
    // Four live, limit two: three must leave; the third oldest (900) leaves at 1900.
    expect(v).toEqual({ granted: false, kept: [100, 500, 900, 950], retryAfterMs: 910 });
  });

  it('drops what left the window, and counts future-dated events (a clock stepped back) without a negative wait', () => {
    expect(slideWindow([1, 2, 3], 10_000, 1, 1_000)).toEqual({ granted: true, kept: [10_000] });
    const back = slideWindow([5_000], 4_000, 1, 1_000);
    expect(back.granted).toBe(false);
    expect(back.granted === false && back.retryAfterMs).toBe(2_000);
  });

  it('withoutEvent gives back one slot only', () => {
    expect(withoutEvent([5, 7, 7, 9], 7)).toEqual([5, 7, 9]);
    expect(withoutEvent([5], 6)).toEqual([5]);
  });
});
