import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Targets } from '@tufjs/models';
import {
  DEFAULT_ONLINE_POLICY,
  type OnlinePolicy,
  type RoleName,
  type SignedDocument,
  type TargetInput,
  buildTargets,
  planOnlineRefresh,
  readOnlineState,
  secondsUntilExpiry,
  sha256Hex,
  signMetadata,
  signOnlineRefresh,
  targetPath,
  toMetadata,
  verifyRootUpdate,
} from '@sigbox/tuf';
import type { BoxKeys } from '../trust/box-keys.js';
import { readCeremonyRoots } from './tuf-root.js';
import type { TufStore } from './tuf-store.js';

/** Targets are signed by the targets key at each trust change; a year without change still needs a fresh one. */
export const TARGETS_LIFETIME_MS = 365 * 86_400_000;
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

type TargetsJson = { targets: Record<string, { hashes: { sha256: string }; custom?: unknown }> };

/** Whether the latest targets already publish exactly these files (names, hashes, custom metadata). */
function samePublication(latest: SignedDocument, wanted: readonly TargetInput[]): boolean {
  const published = (latest.json as { signed: TargetsJson }).signed.targets;
  if (Object.keys(published).length !== wanted.length) return false;
  return wanted.every((t) => {
    const p = published[t.name];
    return p !== undefined && p.hashes.sha256 === sha256Hex(t.bytes) && JSON.stringify(p.custom ?? null) === JSON.stringify(t.custom ?? null);
  });
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
    for (const root of await readCeremonyRoots(keys.source.keyring)) {
      if (current !== undefined && root.version <= current.version) continue;
      verifyRootUpdate(current, root);
      if (await store.put(root)) logger.info({ version: root.version, expires: root.expires }, 'TUF root published');
      current = root;
    }
    if (current === undefined) throw new Error(`no TUF root: ${keys.source.keyring.dir}/tuf/1.root.json is missing (made by \`sigbox init\`)`);
    return current;
  }

  async function publishTargets(wanted: readonly TargetInput[]): Promise<void> {
    const latest = await store.latest('targets');
    if (latest !== undefined && samePublication(latest, wanted)) return;
    let signer;
    try {
      signer = (await keys.signingKey(keys.newest('tuf-targets').name)).signer;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (offlineTargetsWarned !== why) logger.warn({ reason: why }, 'the trust files changed but the TUF targets key is offline: publish them with `sigbox tuf publish` from the key ceremony');
      offlineTargetsWarned = why;
      return;
    }
    for (const t of wanted) await store.putTarget(targetPath(t.name, t.bytes), t.bytes);
    const version = (latest?.version ?? 0) + 1;
    const doc = await signMetadata(buildTargets({ version, expires: new Date(clock().getTime() + (options.targetsLifetimeMs ?? TARGETS_LIFETIME_MS)), targets: wanted }), [signer]);
    if (await store.put(doc)) logger.info({ version, targets: wanted.map((t) => t.name) }, 'TUF targets published');
  }

  async function refreshOnline(): Promise<void> {
    const targets = await store.latest('targets');
    if (targets === undefined) return; // nothing to snapshot before the first targets
    const [snapshot, timestamp] = [await store.latest('snapshot'), await store.latest('timestamp')];
    const plan = planOnlineRefresh(readOnlineState({ targets, ...(snapshot ? { snapshot } : {}), ...(timestamp ? { timestamp } : {}) }), clock(), policy);
    if (plan.snapshot === undefined && plan.timestamp === undefined) return;
    const signer = async (role: 'tuf-snapshot' | 'tuf-timestamp') => [(await keys.signingKey(keys.newest(role).name)).signer];
    const signed = await signOnlineRefresh(plan, { snapshot: await signer('tuf-snapshot'), timestamp: await signer('tuf-timestamp') }, snapshot);
    for (const doc of [signed.snapshot, signed.timestamp]) {
      if (doc === undefined) continue;
      const reason = doc.role === 'snapshot' ? plan.snapshot?.reason : plan.timestamp?.reason;
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
      await importRoots();
      await publishTargets(wanted);
      await refreshOnline();
      await recordExpiries();
    },
  };
}

/** The targets of a published targets document, by name (for tests and status). */
export function publishedTargets(doc: SignedDocument): Targets['targets'] {
  return (toMetadata(doc).signed as Targets).targets;
}
