/** What a sliding window says about one more event at `nowMs`. */
export type WindowVerdict =
  | { readonly granted: true; /** The window to store: the live events, then `nowMs`. */ readonly kept: readonly number[] }
  | { readonly granted: false; readonly kept: readonly number[]; readonly retryAfterMs: number };

/**
 * A sliding-window log (exact, not a token bucket: "100 per hour" never lets 101 through in any hour). `events` are
 * the stored epoch-ms times, any order; those older than `windowMs` are dropped. Granted when fewer than `limit` are
 * live; else the wait is until the oldest event that keeps the window full leaves it. A clock stepping back leaves
 * future-dated events live (counted), never negative waits.
 */
export function slideWindow(events: readonly number[], nowMs: number, limit: number, windowMs: number): WindowVerdict {
  const live = events.filter((t) => t > nowMs - windowMs).sort((a, b) => a - b);
  if (live.length < limit) return { granted: true, kept: [...live, nowMs] };
  // With `live.length - limit + 1` events leaving, one slot frees: the (live.length - limit)-th oldest decides.
  const freeing = live[live.length - limit] as number;
  return { granted: false, kept: live, retryAfterMs: Math.max(0, freeing + windowMs - nowMs) };
}

/** The window without one event at `atMs` (a slot given back): removes one occurrence only. */
export function withoutEvent(events: readonly number[], atMs: number): number[] {
  const index = events.indexOf(atMs);
  return index < 0 ? [...events] : [...events.slice(0, index), ...events.slice(index + 1)];
}
