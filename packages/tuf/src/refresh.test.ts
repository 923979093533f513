import { describe, expect, it } from 'vitest';
import { DEFAULT_ONLINE_POLICY, type OnlineState, nextRefreshAt, planOnlineRefresh, secondsUntilExpiry } from './index.js';

const DAY_MS = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

const settled: OnlineState = {
  targets: { version: 4 },
  snapshot: { version: 7, expires: at(200 * DAY_MS), targetsVersion: 4 },
  timestamp: { version: 30, expires: at(6.5 * DAY_MS), snapshotVersion: 7 },
};

describe('planOnlineRefresh', () => {
  it('signs nothing while both roles are current and outside their windows', () => {
    expect(planOnlineRefresh(settled, now)).toEqual({});
  });

  it('starts an empty repository with snapshot 1 and timestamp 1', () => {
    expect(planOnlineRefresh({ targets: { version: 1 } }, now)).toEqual({
      snapshot: { version: 1, expires: at(365 * DAY_MS), targetsVersion: 1, reason: 'missing' },
      timestamp: { version: 1, expires: at(7 * DAY_MS), snapshotVersion: 1, reason: 'missing' },
    });
  });

  it('follows a new targets version with a new snapshot and a timestamp pinning it', () => {
    expect(planOnlineRefresh({ ...settled, targets: { version: 5 } }, now)).toEqual({
      snapshot: { version: 8, expires: at(365 * DAY_MS), targetsVersion: 5, reason: 'stale' },
      timestamp: { version: 31, expires: at(7 * DAY_MS), snapshotVersion: 8, reason: 'stale' },
    });
  });

  it('re-signs the timestamp once less than six days remain, and an expired one', () => {
    expect(planOnlineRefresh(settled, at(0.5 * DAY_MS + 1))).toEqual({
      timestamp: { version: 31, expires: at(7.5 * DAY_MS + 1), snapshotVersion: 7, reason: 'expiring' },
    });
    expect(planOnlineRefresh(settled, at(30 * DAY_MS)).timestamp?.reason).toBe('expiring');
  });

  it('re-signs the snapshot inside its 30-day window, pinning the same targets', () => {
    const plan = planOnlineRefresh({ ...settled, timestamp: { ...settled.timestamp!, expires: at(180 * DAY_MS) } }, at(171 * DAY_MS));
    expect(plan.snapshot).toEqual({ version: 8, expires: at(536 * DAY_MS), targetsVersion: 4, reason: 'expiring' });
    expect(plan.timestamp).toMatchObject({ version: 31, snapshotVersion: 8, reason: 'stale' });
  });

  it('honours a custom policy and refuses one that would re-sign on every run', () => {
    const hourly = { ...DEFAULT_ONLINE_POLICY, timestamp: { lifetimeMs: 2 * 3_600_000, refreshBeforeMs: 3_600_000 } };
    const fresh = { ...settled, timestamp: { ...settled.timestamp!, expires: at(2 * 3_600_000) } };
    expect(planOnlineRefresh(fresh, now, hourly)).toEqual({});
    expect(planOnlineRefresh(fresh, at(3_600_000), hourly).timestamp?.expires).toEqual(at(3 * 3_600_000));
    const broken = { ...DEFAULT_ONLINE_POLICY, snapshot: { lifetimeMs: DAY_MS, refreshBeforeMs: DAY_MS } };
    expect(() => planOnlineRefresh(settled, now, broken)).toThrow(expect.objectContaining({ code: 'INVALID_TIME' }));
  });
});

describe('expiry helpers', () => {
  it('counts whole seconds to expiry, negative once past', () => {
    expect(secondsUntilExpiry(at(90_500), now)).toBe(90);
    expect(secondsUntilExpiry(at(-1_500), now)).toBe(-2);
  });

  it('names the next moment the planner will act', () => {
    expect(nextRefreshAt({ snapshot: settled.snapshot!, timestamp: settled.timestamp! })).toEqual(at(0.5 * DAY_MS));
  });
});
