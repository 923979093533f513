import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimitStore } from './rate-limit-store.js';

const LIMIT = { certificates: 2, perSeconds: 60 };

describe.each(databaseEngines())('rate limit store on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(() => db?.close());

  it('counts per (rule, subject), refuses over the limit with the wait, and a released slot is free again', async () => {
    const store = createRateLimitStore(db);
    const key = { rule: 'release', subject: 'https://github.com/o/r/.github/workflows/r.yml@refs/heads/main' };
    const t0 = new Date('2026-01-01T00:00:00Z');
    const first = await store.take(key, LIMIT, t0);
    const second = await store.take(key, LIMIT, new Date(t0.getTime() + 10_000));
    expect([first.granted, second.granted]).toEqual([true, true]);
    expect(await store.take(key, LIMIT, new Date(t0.getTime() + 20_000))).toEqual({ granted: false, retryAfterMs: 40_000 });
    // Another subject, and the same subject under another rule, have windows of their own.
    expect((await store.take({ ...key, subject: 'other' }, LIMIT, t0)).granted).toBe(true);
    expect((await store.take({ ...key, rule: 'other-rule' }, LIMIT, t0)).granted).toBe(true);
    // A certificate that was not issued after all gives its slot back.
    if (second.granted) await second.release();
    const third = await store.take(key, LIMIT, new Date(t0.getTime() + 20_000));
    expect(third.granted).toBe(true);
    // Once the window has slid past the first, a slot frees.
    expect((await store.take(key, LIMIT, new Date(t0.getTime() + 60_001))).granted).toBe(true);
  });

  it('lets exactly the limit through when many takes race on one key (the row lock serialises them)', async () => {
    const store = createRateLimitStore(db);
    const key = { rule: 'race', subject: 'ci@example.com' };
    const now = new Date();
    const takes = await Promise.all(Array.from({ length: 12 }, () => store.take(key, { certificates: 5, perSeconds: 60 }, now)));
    expect(takes.filter((t) => t.granted).length).toBe(5);
  });
});
