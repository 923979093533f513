import { describe, expect, it } from 'vitest';
import { perMinuteCounts } from './explorer-status.js';

describe('perMinuteCounts', () => {
  it('takes each minute’s growth, zero for minutes without a checkpoint', () => {
    expect(perMinuteCounts(10n, new Map([[101, 15n], [103, 16n]]), 100, 5)).toEqual([0, 5, 0, 1, 0]);
  });

  it('never counts backwards (a size below the one before is not growth)', () => {
    expect(perMinuteCounts(10n, new Map([[100, 9n], [101, 12n]]), 100, 2)).toEqual([0, 2]);
  });
});
