import { TufError } from './error.js';

const DAY_MS = 86_400_000;

/** How long an online role's signature lives and how long before expiry the server re-signs it. */
export interface RolePolicy {
  readonly lifetimeMs: number;
  readonly refreshBeforeMs: number;
}

export interface OnlinePolicy {
  readonly snapshot: RolePolicy;
  readonly timestamp: RolePolicy;
}

/**
 * Defaults after the public Sigstore repository (sigstore/root-signing@0ca2971 `metadata/root.json`): timestamp
 * `x-tuf-on-ci-expiry-period` 7 days, `x-tuf-on-ci-signing-period` 6 days, so it is re-signed daily and survives
 * six days of the signer being down. Sigstore's snapshot lives 3,650 days (signing period 365); Sigbox re-signs its
 * snapshot with every targets change anyway, so a year with a month's margin keeps the file honest without a
 * decade-long signature. (go-tuf's `data.DefaultExpires` is 7 days snapshot / 1 day timestamp; scaffolding signs
 * everything for 6 months and never renews — the outage of sigstore/scaffolding#1506.)
 */
export const DEFAULT_ONLINE_POLICY: OnlinePolicy = Object.freeze({
  snapshot: Object.freeze({ lifetimeMs: 365 * DAY_MS, refreshBeforeMs: 30 * DAY_MS }),
  timestamp: Object.freeze({ lifetimeMs: 7 * DAY_MS, refreshBeforeMs: 6 * DAY_MS }),
});

/** The latest published online state: what the server read from storage. */
export interface OnlineState {
  readonly targets: { readonly version: number };
  readonly snapshot?: { readonly version: number; readonly expires: Date; readonly targetsVersion: number };
  readonly timestamp?: { readonly version: number; readonly expires: Date; readonly snapshotVersion: number };
}

export type RefreshReason = 'missing' | 'stale' | 'expiring';

/** What to sign now; an absent role needs nothing. Build with `buildSnapshot`/`buildTimestamp` from these fields. */
export interface OnlineRefreshPlan {
  /** `stale`: a newer targets version is published. */
  readonly snapshot?: { readonly version: number; readonly expires: Date; readonly targetsVersion: number; readonly reason: RefreshReason };
  /** `stale`: the snapshot it points at is not the newest (or is being re-signed in this plan). */
  readonly timestamp?: { readonly version: number; readonly expires: Date; readonly snapshotVersion: number; readonly reason: RefreshReason };
}

/** Refuses a policy that would re-sign on every run (refresh window ≥ lifetime) or never expire. */
export function checkPolicy(policy: OnlinePolicy): OnlinePolicy {
  for (const [role, p] of Object.entries(policy) as [string, RolePolicy][]) {
    if (!(p.lifetimeMs > 0) || !(p.refreshBeforeMs >= 0) || p.refreshBeforeMs >= p.lifetimeMs || !Number.isFinite(p.lifetimeMs)) {
      throw new TufError('INVALID_TIME', `${role}: refreshBeforeMs must be in [0, lifetimeMs), lifetimeMs finite and positive`);
    }
  }
  return policy;
}

function reason(current: { expires: Date } | undefined, fresh: boolean, now: Date, policy: RolePolicy): RefreshReason | undefined {
  if (current === undefined) return 'missing';
  if (!fresh) return 'stale';
  return current.expires.getTime() - now.getTime() <= policy.refreshBeforeMs ? 'expiring' : undefined;
}

/**
 * Decides which online roles the server must sign now (run it every minute or so; idempotent until it acts): a new
 * targets version → new snapshot and timestamp; a role inside its refresh window (or already expired) → its next
 * version with a fresh expiry. A new snapshot always brings a new timestamp (TUF spec §5.5: the timestamp pins it).
 */
export function planOnlineRefresh(state: OnlineState, now: Date, policy: OnlinePolicy = DEFAULT_ONLINE_POLICY): OnlineRefreshPlan {
  checkPolicy(policy);
  const { snapshot, timestamp, targets } = state;
  const snapshotReason = reason(snapshot, snapshot?.targetsVersion === targets.version, now, policy.snapshot);
  const nextSnapshot = snapshotReason === undefined ? undefined : {
    version: (snapshot?.version ?? 0) + 1,
    expires: new Date(now.getTime() + policy.snapshot.lifetimeMs),
    targetsVersion: targets.version,
    reason: snapshotReason,
  };
  const pinned = nextSnapshot?.version ?? (snapshot as { version: number }).version;
  const timestampReason = reason(timestamp, timestamp?.snapshotVersion === pinned, now, policy.timestamp);
  const nextTimestamp = timestampReason === undefined ? undefined : {
    version: (timestamp?.version ?? 0) + 1,
    expires: new Date(now.getTime() + policy.timestamp.lifetimeMs),
    snapshotVersion: pinned,
    reason: timestampReason,
  };
  return { ...(nextSnapshot ? { snapshot: nextSnapshot } : {}), ...(nextTimestamp ? { timestamp: nextTimestamp } : {}) };
}

/** Seconds until `expires` (negative once past): the gauge an alert on "TUF metadata expires in < 2 days" reads. */
export function secondsUntilExpiry(expires: Date, now: Date): number {
  return Math.floor((expires.getTime() - now.getTime()) / 1000);
}

/**
 * When the planner will next have work without a targets change: the earlier refresh deadline of the two roles
 * (the server may sleep until then, or simply poll).
 */
export function nextRefreshAt(state: Required<Pick<OnlineState, 'snapshot' | 'timestamp'>>, policy: OnlinePolicy = DEFAULT_ONLINE_POLICY): Date {
  return new Date(Math.min(
    state.snapshot.expires.getTime() - policy.snapshot.refreshBeforeMs,
    state.timestamp.expires.getTime() - policy.timestamp.refreshBeforeMs,
  ));
}
