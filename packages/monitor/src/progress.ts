/** A progress line at most this often while catching up. */
export const PROGRESS_INTERVAL_MS = 5_000;

export interface ProgressOptions {
  readonly write: (line: string) => void;
  readonly clock?: () => number;
  readonly intervalMs?: number;
}

/**
 * Progress while catching up a long log: `update(done, total)` after each batch prints one line every few
 * seconds with entries/s since the last line and the entries remaining; nothing for a round that ends quickly.
 */
export function createProgress(options: ProgressOptions): { update(done: bigint, total: bigint): void; reset(): void } {
  const clock = options.clock ?? Date.now;
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  let lastAt = clock();
  let lastDone = 0n;
  return {
    update(done, total) {
      const now = clock();
      if (now - lastAt < interval) return;
      const rate = Number(done - lastDone) / ((now - lastAt) / 1000);
      const remaining = total - done;
      const eta = rate > 0 ? Math.ceil(Number(remaining) / rate) : undefined;
      options.write(`monitor: ${done}/${total} entries checked, ${Math.round(rate)} entries/s, ${remaining} remaining${eta === undefined ? '' : ` (~${eta} s)`}\n`);
      lastAt = now;
      lastDone = done;
    },
    reset() {
      lastAt = clock();
      lastDone = 0n;
    },
  };
}
