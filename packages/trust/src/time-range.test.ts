import { describe, expect, it } from 'vitest';
import { TrustError } from './error.js';
import { formatTimestamp, truncateToSecond, validityPeriod } from './time-range.js';

describe('truncateToSecond', () => {
  it('drops the fraction, never rounding up', () => {
    expect(truncateToSecond(new Date('2026-01-01T00:00:00.999Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(truncateToSecond(new Date('2026-01-01T12:34:56.001Z')).toISOString()).toBe('2026-01-01T12:34:56.000Z');
  });

  it('leaves whole seconds unchanged and truncates before 1970 towards the past', () => {
    expect(truncateToSecond(new Date('2026-01-01T00:00:00Z')).getTime()).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(truncateToSecond(new Date(-1500)).getTime()).toBe(-2000);
  });

  it('keeps an entry integrated in the key creation second inside validity', () => {
    const created = new Date('2026-03-01T10:00:00.750Z');
    const integratedTimeMs = Math.floor(created.getTime() / 1000) * 1000; // Rekor v1 integratedTime is whole seconds
    expect(integratedTimeMs).toBeLessThan(created.getTime()); // the untruncated start would exclude the entry
    expect(truncateToSecond(created).getTime()).toBeLessThanOrEqual(integratedTimeMs);
  });

  it('rejects an invalid Date', () => {
    expect(() => truncateToSecond(new Date('nope'))).toThrow(TrustError);
  });
});

describe('formatTimestamp', () => {
  it('writes whole seconds without a fraction, like upstream roots', () => {
    expect(formatTimestamp(new Date('2021-01-12T11:53:27Z'))).toBe('2021-01-12T11:53:27Z');
  });

  it('keeps milliseconds when present', () => {
    expect(formatTimestamp(new Date('2022-12-31T23:59:59.999Z'))).toBe('2022-12-31T23:59:59.999Z');
  });
});

describe('validityPeriod', () => {
  it('truncates the start and omits the end of a current key', () => {
    expect(validityPeriod(new Date('2026-01-01T00:00:07.400Z'))).toEqual({ start: '2026-01-01T00:00:07Z' });
  });

  it('keeps the end of a retired key exact', () => {
    expect(validityPeriod(new Date('2021-03-14T00:00:00Z'), new Date('2022-10-31T23:59:59.999Z'))).toEqual({
      start: '2021-03-14T00:00:00Z',
      end: '2022-10-31T23:59:59.999Z',
    });
  });

  it('rejects an end that is not after the start', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(() => validityPeriod(at, at)).toThrow(expect.objectContaining({ code: 'INVALID_TIME' }));
    expect(() => validityPeriod(at, new Date('2025-12-31T00:00:00Z'))).toThrow(TrustError);
  });
});
