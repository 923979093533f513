// The issuance rate limit's cost on the issue path: one `take` (and, for failed issuances, a `release`) of
// packages/server/src/fulcio/rate-limit-store.ts on a fresh database, TEST_DATABASE_URL (PostgreSQL) or PGlite.
// node --import tsx --conditions=@sigbox/source bench/ca/rate-limit.ts [--takes 2000]
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@sigbox/testkit';
import { createRateLimitStore } from '@sigbox/server';

const { values } = parseArgs({ options: { takes: { type: 'string', default: '2000' } } });
const TAKES = Number(values.takes);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
function report(name: string, ms: number[], wallMs: number): void {
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`${name.padEnd(52)} p50 ${quantile(sorted, 0.5).toFixed(2)} ms  p99 ${quantile(sorted, 0.99).toFixed(2)} ms  ${Math.round((ms.length / wallMs) * 1000)} takes/s`);
}

async function timed(count: number, concurrency: number, take: (i: number) => Promise<unknown>): Promise<{ ms: number[]; wallMs: number }> {
  const ms: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await take(i);
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms, wallMs: performance.now() - start };
}

const db = await createTestDatabase();
console.log(`engine ${db.engine}, ${TAKES} takes per line`);
const store = createRateLimitStore(db);
const big = { certificates: 1_000_000, perSeconds: 3_600 };
try {
  for (const [name, concurrency, key, limit] of [
    ['distinct subjects, sequential', 1, (i: number) => ({ rule: 'r', subject: `s${i}` }), big],
    ['distinct subjects, 32 at once', 32, (i: number) => ({ rule: 'r', subject: `t${i}` }), big],
    ['one subject, window of 100 full, sequential', 1, () => ({ rule: 'r', subject: 'hot100' }), { certificates: 100, perSeconds: 3_600 }],
    ['one subject, window of 1,000 full, sequential', 1, () => ({ rule: 'r', subject: 'hot1000' }), { certificates: 1_000, perSeconds: 3_600 }],
    ['one subject, 32 at once (row lock serialises)', 32, () => ({ rule: 'r', subject: 'hot-concurrent' }), big],
  ] as const) {
    const { ms, wallMs } = await timed(TAKES, concurrency, (i) => store.take(key(i), limit, new Date()));
    report(name, ms, wallMs);
  }
} finally {
  await db.close();
}
