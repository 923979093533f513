import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Targets } from '@tufjs/models';
import { loadKeyring } from '@sigbox/keyring';
import {
  DEFAULT_ONLINE_POLICY,
  type OnlinePolicy,
  type OnlineState,
  type RoleName,
  type SignedDocument,
  type TargetInput,
  planOnlineRefresh,
  readOnlineState,
  secondsUntilExpiry,
  signOnlineRefresh,
  toMetadata,
  verifyRootUpdate,
} from '@sigbox/tuf';
import type { BoxKeys } from '../trust/box-keys.js';
import { keysNamedBy } from './tuf-keys.js';
import { TARGETS_LIFETIME_MS, publishTargetsVersion, samePublication } from './tuf-publication.js';
import { readCeremonyRoots } from './tuf-root.js';
import type { TufStore } from './tuf-store.js';
import { trustedBy } from './tuf-trust.js';
/** Offline roles (root, targets) are warned about this long before they expire: time to convene the key holders. */
export const OFFLINE_WARNING_MS = 60 * 86_400_000;
/** How often the log counts each role down to its expiry. */
export const COUNTDOWN_EVERY_MS = 3_600_000;

/** `6 d 23 h`, `59 min`, `-3 min` (expired): a duration as a person reads it in a log line. */
function formatDuration(ms: number): string {
  const minutes = Math.trunc(ms / 60_000);
  if (Math.abs(minutes) < 60) return `${minutes} min`;
  const hours = Math.trunc(minutes / 60);
  return Math.abs(hours) < 48 ? `${hours} h` : `${Math.trunc(hours / 24)} d ${Math.abs(hours % 24)} h`;
}

/** The server checks the online roles this often (`planOnlineRefresh` is idempotent until something is due). */
export const DEFAULT_TUF_REFRESH_MS = 60_000;

export interface TufServiceOptions {
  readonly store: TufStore;
  readonly keys: BoxKeys;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly policy?: OnlinePolicy;
  readonly targetsLifetimeMs?: number;
  readonly clock?: () => Date;
}

export interface TufService {
  /** Publishes new ceremony roots, targets for `targets` when they changed, then re-signs snapshot and timestamp as due. */
  sync(targets: readonly TargetInput[]): Promise<void>;
}

/**
 * The planner's state, with a role whose newest version the served root no longer trusts (its key was rotated by a
 * new root) marked as expired: it is re-signed at once with the key the root names. A client that updated to the new
 * root refuses the old timestamp and snapshot (TUF spec §5.3.11, §5.4.3, §5.5.3); waiting for their expiry would
 * break every client for up to a week.
 */
function withUntrusted(
  state: OnlineState,
  docs: { snapshot?: SignedDocument | undefined; timestamp?: SignedDocument | undefined },
  root: SignedDocument,
  now: Date,
): { state: OnlineState; rotated: RoleName[] } {
  const rotated = (['snapshot', 'timestamp'] as const).filter((role) => {
    const doc = docs[role];
    return doc !== undefined && state[role] !== undefined && !trustedBy(doc, root);
  });
  const expire = <T extends { expires: Date }>(role: 'snapshot' | 'timestamp', current: T): T => (rotated.includes(role) ? { ...current, expires: now } : current);
  return {
    state: { ...state, ...(state.snapshot ? { snapshot: expire('snapshot', state.snapshot) } : {}), ...(state.timestamp ? { timestamp: expire('timestamp', state.timestamp) } : {}) },
    rotated,
  };
}

/**
 * The TUF repository's publisher. Roots come from the ceremony (`<keys>/tuf/N.root.json`, verified against the
 * previous root before they are served); targets are signed here with the targets key when the trust files change
 * and the key is at hand (in the HSM, or an encrypted file the box can open), and otherwise left for the offline
 * step with a warning; snapshot and timestamp are re-signed with the online keys well before they expire. Every
 * write is a new version inserted once: processes sharing the database race harmlessly, one wins.
 */
export function createTufService(options: TufServiceOptions): TufService {
  const { store, keys, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const policy = options.policy ?? DEFAULT_ONLINE_POLICY;
  const expiries = new Map<RoleName, Date>();
  let offlineTargetsWarned = '';
  let rootRefused = '';

  new Gauge({
    name: 'sigbox_tuf_expiry_seconds',
    help: 'Seconds until the newest TUF metadata of each role expires (negative once expired): alert well before 0.',
    labelNames: ['role'],
    registers: [options.registry],
    collect() {
      for (const [role, expires] of expiries) this.set({ role }, secondsUntilExpiry(expires, clock()));
    },
  });

  async function importRoots(): Promise<SignedDocument> {
    let current = await store.latest('root');
    try {
      for (const root of await readCeremonyRoots(keys.source.keyring)) {
        if (current !== undefined && root.version <= current.version) continue;
        verifyRootUpdate(current, root);
        if (await store.put(root)) logger.info({ version: root.version, expires: root.expires }, 'TUF root published');
        current = root;
      }
      rootRefused = '';
    } catch (err) {
      if (current === undefined) throw err;
      // A root file still being copied in, or short of signatures, must not stop the timestamp refresh that keeps
      // every client working: the served root stays, and the file is tried again at every round.
      const why = err instanceof Error ? err.message : String(err);
      if (rootRefused !== why) logger.error({ reason: why, served: current.version }, `a TUF root in ${keys.source.keyring.dir}/tuf cannot be published: still serving root v${current.version}`);
      rootRefused = why;
    }
    if (current === undefined) throw new Error(`no TUF root: ${keys.source.keyring.dir}/tuf/1.root.json is missing (made by \`sigbox init\`)`);
    return current;
  }

  /**
   * The key `root` names for an online-signed role, from the keyring (re-read when it has none: a ceremony adds keys
   * and the root naming them together). The newest such key when a root names several.
   */
  async function signerFor(root: SignedDocument, role: 'targets' | 'snapshot' | 'timestamp') {
    const entry = keysNamedBy(keys.source.keyring, root, role).at(-1) ?? keysNamedBy(await loadKeyring(keys.source.keyring.dir), root, role).at(-1);
    if (entry === undefined) throw new Error(`root v${root.version} names no ${role} key of the keyring in ${keys.source.keyring.dir}`);
    return (await keys.signingKey(entry.name)).signer;
  }

  async function publishTargets(wanted: readonly TargetInput[], root: SignedDocument): Promise<void> {
    const latest = await store.latest('targets');
    // Unchanged files are signed again only when a new root rotated the targets key.
    if (latest !== undefined && samePublication(latest, wanted) && trustedBy(latest, root)) return;
    let signer;
    try {
      signer = await signerFor(root, 'targets');
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (offlineTargetsWarned !== why) logger.warn({ reason: why }, 'the trust files changed but the TUF targets key is offline: publish them with `sigbox tuf publish` from the key ceremony');
      offlineTargetsWarned = why;
      return;
    }
    const expires = new Date(clock().getTime() + (options.targetsLifetimeMs ?? TARGETS_LIFETIME_MS));
    const { doc, stored } = await publishTargetsVersion({ store, wanted, signer, root, expires });
    if (stored) logger.info({ version: doc.version, targets: wanted.map((t) => t.name) }, 'TUF targets published');
  }

  async function refreshOnline(root: SignedDocument): Promise<void> {
    const targets = await store.latest('targets');
    if (targets === undefined) return; // nothing to snapshot before the first targets
    const [snapshot, timestamp] = [await store.latest('snapshot'), await store.latest('timestamp')];
    const now = clock();
    const current = withUntrusted(readOnlineState({ targets, ...(snapshot ? { snapshot } : {}), ...(timestamp ? { timestamp } : {}) }), { snapshot, timestamp }, root, now);
    const plan = planOnlineRefresh(current.state, now, policy);
    if (plan.snapshot === undefined && plan.timestamp === undefined) return;
    const signed = await signOnlineRefresh(plan, { snapshot: [await signerFor(root, 'snapshot')], timestamp: [await signerFor(root, 'timestamp')] }, snapshot);
    for (const doc of [signed.snapshot, signed.timestamp]) {
      if (doc === undefined) continue;
      const reason = current.rotated.includes(doc.role) ? 'key rotated' : doc.role === 'snapshot' ? plan.snapshot?.reason : plan.timestamp?.reason;
      if (await store.put(doc)) logger.info({ role: doc.role, version: doc.version, expires: doc.expires, reason }, 'TUF metadata re-signed');
    }
  }

  const countedDownAt = new Map<RoleName, number>();
  async function recordExpiries(): Promise<void> {
    for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
      const doc = await store.latest(role);
      if (doc === undefined) continue;
      const previous = expiries.get(role);
      expiries.set(role, doc.expires);
      const left = doc.expires.getTime() - clock().getTime();
      // The countdown, once an hour per role (and whenever a new version is served): a log reader sees it move.
      const last = countedDownAt.get(role);
      if (last === undefined || clock().getTime() - last >= COUNTDOWN_EVERY_MS || previous?.getTime() !== doc.expires.getTime()) {
        countedDownAt.set(role, clock().getTime());
        logger.info({ role, version: doc.version, expires: doc.expires, expiresInS: Math.floor(left / 1000) }, `TUF ${role} v${doc.version} expires in ${formatDuration(left)}`);
      }
      if ((role === 'root' || role === 'targets') && left < OFFLINE_WARNING_MS) {
        logger.warn({ role, version: doc.version, expires: doc.expires, daysLeft: Math.floor(left / 86_400_000) }, `TUF ${role} expires soon: sign a new one with the offline keys`);
      }
    }
  }

  return {
    async sync(wanted) {
      const root = await importRoots();
      await publishTargets(wanted, root);
      await refreshOnline(root);
      await recordExpiries();
    },
  };
}

/** The targets of a published targets document, by name (for tests and status). */
export function publishedTargets(doc: SignedDocument): Targets['targets'] {
  return (toMetadata(doc).signed as Targets).targets;
}
