import type { VerifyProgress } from '@sigbox/server';

/** A TTY gets a bar redrawn at most this often; anything else a plain line this often. */
const BAR_INTERVAL_MS = 100;
const LINE_INTERVAL_MS = 5_000;
const BAR_WIDTH = 30;

const count = (n: bigint | number) => n.toLocaleString('en-US');

export interface ProgressView {
  update(progress: VerifyProgress): void;
  /** Ends the bar's line (a TTY) before the summary is printed. */
  finish(): void;
}

/**
 * How far `sigbox verify` is: entries proven of all entries, and the rate. On a terminal, one bar line redrawn in
 * place; in a log (not a TTY), a plain line every few seconds, so a long run shows it is alive without flooding.
 */
export function createProgressView(write: (text: string) => void, tty: boolean, now: () => number = () => performance.now()): ProgressView {
  const started = now();
  let last = -Infinity;
  let drawn = false;
  const line = (p: VerifyProgress) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = Math.round(Number(p.done) / seconds);
    return `${count(p.done)} / ${count(p.total)} entries, ${count(rate)}/s (tree ${p.tree})`;
  };
  return {
    update(p) {
      const at = now();
      if (at - last < (tty ? BAR_INTERVAL_MS : LINE_INTERVAL_MS) && p.done !== p.total) return;
      last = at;
      if (!tty) return write(`verify: ${line(p)}\n`);
      const filled = p.total === 0n ? BAR_WIDTH : Number((p.done * BigInt(BAR_WIDTH)) / p.total);
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${line(p)}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) write('\n');
    },
  };
}
