import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

describe('coalesce', () => {
  it('answers the lookups of one turn with one call over the distinct keys', async () => {
    const calls: number[][] = [];
    const square = coalesce(String, async (keys: number[]) => {
      calls.push(keys);
      return new Map(keys.map((k) => [String(k), k * k]));
    });
    const [a, b, c] = await Promise.all([square([1, 2]), square([2, 3]), square([4])]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
    expect(a?.get('2')).toBe(4);
    expect(b?.get('3')).toBe(9);
    expect(c?.get('4')).toBe(16);
    await square([5]);
    expect(calls).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('fails every caller of a failed call, and recovers for the next turn', async () => {
    let fail = true;
    const lookup = coalesce(String, async (keys: number[]) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((k) => [String(k), k]));
    });
    const results = await Promise.allSettled([lookup([1]), lookup([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await lookup([3])).get('3')).toBe(3);
  });

  it('answers an empty lookup at once without calling', async () => {
    let called = false;
    const lookup = coalesce(String, async () => {
      called = true;
      return new Map<string, number>();
    });
    expect((await lookup([])).size).toBe(0);
    expect(called).toBe(false);
  });
});
