import { describe, expect, it } from 'vitest';
import { type EntryFacts, createEntryCache, entryFactsBytes } from './entry-cache.js';

const facts = (textBytes: number, tag = 0): EntryFacts => ({
  leafHash: new Uint8Array(32),
  integratedTime: 1_700_000_000 + tag,
  signedEntryTimestamp: new Uint8Array(72),
  text: { head: new Uint8Array(textBytes - 10).fill(tag), tail: new Uint8Array(10) },
});

describe('createEntryCache', () => {
  it('returns what was stored for an index, and nothing for others', () => {
    const cache = createEntryCache(1 << 20, entryFactsBytes);
    const kept = facts(100, 7);
    cache.set(7n, kept);
    expect(cache.get(7n)).toBe(kept);
    expect(cache.get(8n)).toBeUndefined();
  });

  it('evicts the least recently used entries once over its byte budget', () => {
    // Room for two 1,000-byte bodies with their overhead, not three.
    const cache = createEntryCache(2 * (1_000 + 256), entryFactsBytes);
    cache.set(1n, facts(1_000, 1));
    cache.set(2n, facts(1_000, 2));
    expect(cache.get(1n)?.integratedTime).toBe(1_700_000_001); // 1 is now the most recently used
    cache.set(3n, facts(1_000, 3));
    expect(cache.get(2n)).toBeUndefined();
    expect(cache.get(1n)?.integratedTime).toBe(1_700_000_001);
    expect(cache.get(3n)?.integratedTime).toBe(1_700_000_003);
  });

  it('counts a replaced entry once', () => {
    const cache = createEntryCache(2 * (1_000 + 256), entryFactsBytes);
    cache.set(1n, facts(1_000, 1));
    cache.set(1n, facts(1_000, 1));
    cache.set(2n, facts(1_000, 2));
    expect(cache.get(1n)).toBeDefined();
    expect(cache.get(2n)).toBeDefined();
  });

  it('keeps nothing larger than its whole budget', () => {
    const cache = createEntryCache(500, entryFactsBytes);
    cache.set(1n, facts(1_000));
    expect(cache.get(1n)).toBeUndefined();
  });
});

describe('createEntryCache with its own size function', () => {
  it('bounds any value by the bytes the function gives, and forgets deleted ones', () => {
    const cache = createEntryCache<string>(10, (s) => s.length);
    cache.set(1n, 'aaaa');
    cache.set(2n, 'bbbb');
    cache.delete(1n);
    cache.set(3n, 'cccccc'); // 4 + 6 = 10 fits once 1 is gone
    expect(cache.get(1n)).toBeUndefined();
    expect(cache.get(2n)).toBe('bbbb');
    expect(cache.get(3n)).toBe('cccccc');
    cache.set(4n, 'd');
    expect(cache.get(2n)).toBeUndefined();
  });
});
