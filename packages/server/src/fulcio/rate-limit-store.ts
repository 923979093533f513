import type { RateLimiter } from '@sigbox/ca';
import { type Database, type JsonbColumn, jsonb, sql } from '@sigbox/db';
import { slideWindow, withoutEvent } from './sliding-window.js';

/** migrations/0007_issuance_rate.sql `issuance_rate_windows`. */
export type RateTables = {
  issuance_rate_windows: { rule: string; subject: string; issued_ms: JsonbColumn<number[]>; updated_at: Date };
};

/**
 * The issuance rate limits in PostgreSQL, shared by every process on the database (a per-process count would let N
 * processes behind a balancer issue N times the limit, and which process a CI job reaches is chance). One short
 * transaction per certificate of a rate-limited rule: insert-if-absent, lock the (rule, subject) row, slide its
 * window, write it back; other subjects never wait on each other. Rules without `rateLimit` never come here.
 */
export function createRateLimitStore(database: Database): RateLimiter {
  const db = database.kysely.withTables<RateTables>();
  /** Runs `change` on the locked window of (rule, subject) and stores what it returns as `store`. */
  async function update<T>(rule: string, subject: string, now: Date, change: (events: number[]) => { store: readonly number[]; value: T }): Promise<T> {
    return db.transaction().execute(async (tx) => {
      // No wait for the WAL flush: a crash may forget the last few milliseconds of counts (a subject then gets a
      // slot or two back), which is cheaper than an fsync per certificate held under the row lock (bench/ca/rate-limit.ts).
      await sql`SET LOCAL synchronous_commit = off`.execute(tx);
      // Insert-if-absent first, so the row exists to be locked: two first takers then serialise on it.
      await tx
        .insertInto('issuance_rate_windows')
        .values({ rule, subject, issued_ms: jsonb<number[]>([]), updated_at: now })
        .onConflict((oc) => oc.columns(['rule', 'subject']).doNothing())
        .execute();
      const current = await tx.selectFrom('issuance_rate_windows').select('issued_ms').where('rule', '=', rule).where('subject', '=', subject).forUpdate().executeTakeFirstOrThrow();
      const result = change(Array.isArray(current.issued_ms) ? current.issued_ms : []);
      await tx.updateTable('issuance_rate_windows').set({ issued_ms: jsonb([...result.store]), updated_at: now }).where('rule', '=', rule).where('subject', '=', subject).execute();
      return result.value;
    });
  }
  return {
    async take({ rule, subject }, limit, now) {
      const nowMs = now.getTime();
      const verdict = await update(rule, subject, now, (events) => {
        const value = slideWindow(events, nowMs, limit.certificates, limit.perSeconds * 1000);
        return { store: value.kept, value };
      });
      if (!verdict.granted) return { granted: false, retryAfterMs: verdict.retryAfterMs };
      return {
        granted: true,
        release: () => update(rule, subject, new Date(), (events) => ({ store: withoutEvent(events, nowMs), value: undefined })),
      };
    },
  };
}
