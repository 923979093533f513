import { describe, expect, it } from 'vitest';
import { createEphemeralSigner } from '@sigbox/core';
import { buildTargets, planOnlineRefresh, readOnlineState, signMetadata, signOnlineRefresh } from './index.js';

const DAY_MS = 86_400_000;
const now = new Date('2026-06-01T12:00:00Z');

describe('signOnlineRefresh', () => {
  const online = createEphemeralSigner();
  const signers = { snapshot: [online], timestamp: [online] };

  it('signs what the plan names, and the state read back from the documents plans nothing more', async () => {
    const targets = await signMetadata(buildTargets({ version: 3, expires: new Date(now.getTime() + 90 * DAY_MS), targets: [] }), [createEphemeralSigner()]);
    const first = await signOnlineRefresh(planOnlineRefresh(readOnlineState({ targets }), now), signers);
    expect([first.snapshot?.version, first.timestamp?.version]).toEqual([1, 1]);
    const state = readOnlineState({ targets, snapshot: first.snapshot!, timestamp: first.timestamp! });
    expect(state).toEqual({
      targets: { version: 3 },
      snapshot: { version: 1, expires: new Date(now.getTime() + 365 * DAY_MS), targetsVersion: 3 },
      timestamp: { version: 1, expires: new Date(now.getTime() + 7 * DAY_MS), snapshotVersion: 1 },
    });
    expect(planOnlineRefresh(state, now)).toEqual({});
  });

  it('refuses to pin a snapshot other than the one the plan names', async () => {
    const targets = await signMetadata(buildTargets({ version: 1, expires: new Date(now.getTime() + DAY_MS), targets: [] }), [online]);
    const { snapshot } = await signOnlineRefresh(planOnlineRefresh(readOnlineState({ targets }), now), signers);
    const plan = { timestamp: { version: 2, expires: new Date(now.getTime() + DAY_MS), snapshotVersion: 2, reason: 'expiring' as const } };
    await expect(signOnlineRefresh(plan, signers, snapshot)).rejects.toMatchObject({ code: 'INVALID_METADATA' });
    await expect(signOnlineRefresh(plan, signers)).rejects.toMatchObject({ code: 'INVALID_METADATA' });
  });
});
