import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedBytes, mutatedText } from './mutations.js';

describe('mutatedBytes', () => {
  it('edits the base every way: shorter, longer, same length with other bytes, boundary length octets', () => {
    const base = Uint8Array.from({ length: 64 }, (_, i) => i + 0x20);
    const samples = fc.sample(mutatedBytes(base), { numRuns: 500, seed: 1 });
    expect(samples.some((s) => s.length < base.length)).toBe(true);
    expect(samples.some((s) => s.length > base.length)).toBe(true);
    expect(samples.some((s) => s.length === base.length && !Buffer.from(s).equals(Buffer.from(base)))).toBe(true);
    expect(samples.some((s) => s.includes(0x84) || s.includes(0x80))).toBe(true);
    expect(Buffer.from(base).equals(Buffer.from(Uint8Array.from({ length: 64 }, (_, i) => i + 0x20)))).toBe(true); // the base stays as it was
  });

  it('mutates text byte-wise, so any byte may appear', () => {
    const samples = fc.sample(mutatedText('eyJhbGciOiJFUzI1NiJ9.e30.c2ln'), { numRuns: 500, seed: 2 });
    expect(samples.some((s) => /[^\x20-\x7e]/.test(s))).toBe(true);
  });
});
