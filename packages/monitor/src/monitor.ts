import type { MonitorAlert } from './alert.js';
import { type FollowDeps, type FollowResult, followOnce } from './follower.js';
import type { LogEntry } from './log-entry.js';
import type { LogReader } from './log-reader.js';
import type { MonitorMetrics } from './metrics.js';
import type { StateStore } from './state-store.js';
import type { TreeHeadVerifier } from './tree-head.js';
import type { WebhookOutbox } from './webhook-outbox.js';

/** pino's shape, so the caller's logger (server's createLogger) writes the structured alert line. */
export interface AlertLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface MonitorOptions {
  readonly reader: LogReader;
  readonly verify: TreeHeadVerifier;
  readonly store: StateStore;
  readonly logger: AlertLogger;
  /** The identity watch over each entry (createIdentityWatch), if a policy is given. */
  readonly checkEntry?: (entry: LogEntry) => MonitorAlert[];
  /** Extra checks per round, e.g. unsigned images in registries. */
  readonly extraChecks?: ReadonlyArray<() => Promise<MonitorAlert[]>>;
  readonly outbox?: WebhookOutbox;
  readonly metrics?: MonitorMetrics;
  /** With no state yet, start at the log's current head (tiles only; see FollowDeps.startAtHead). */
  readonly startAtHead?: boolean;
  /** Called after each batch while catching up (createProgress().update). */
  readonly progress?: (done: bigint, total: bigint) => void;
}

export interface RoundResult extends FollowResult {
  /** Alerts of this round from every check (log, identities, images). */
  readonly alerts: readonly MonitorAlert[];
}

/**
 * The monitor's one round, composed: follow the log (verify, prove, watch), run the extra checks, and hand every
 * alert to the sinks — the outbox first (persisted before the state moves), then the log line and the metrics.
 */
export function createMonitor(options: MonitorOptions): { round(): Promise<RoundResult> } {
  const { logger, outbox, metrics } = options;
  const raise = async (alerts: readonly MonitorAlert[]) => {
    if (alerts.length === 0) return;
    await outbox?.enqueue(alerts);
    for (const alert of alerts) logger.warn({ alert: { id: alert.id, kind: alert.kind, rule: alert.rule, source: alert.source, details: alert.details } }, alert.message);
    metrics?.alerted(alerts);
  };
  const deps: FollowDeps = {
    reader: options.reader,
    verify: options.verify,
    store: options.store,
    raise,
    ...(options.checkEntry ? { checkEntry: options.checkEntry } : {}),
    ...(options.startAtHead ? { startAtHead: true } : {}),
    observer: {
      headVerified: (head, lag) => metrics?.observer.headVerified?.(head, lag),
      entriesChecked: (count, done, total) => {
        metrics?.observer.entriesChecked?.(count, done, total);
        options.progress?.(done, total);
      },
    },
  };
  return {
    async round() {
      const followed = await followOnce(deps);
      if (followed.verified) metrics?.verified(options.reader.url, followed.size);
      const extra: MonitorAlert[] = [];
      for (const check of options.extraChecks ?? []) {
        const found = await check();
        await raise(found);
        extra.push(...found);
      }
      if (followed.checked > 0n) logger.info({ log: options.reader.url, size: followed.size.toString(), checked: followed.checked.toString() }, 'monitor verified a new tree head');
      return { ...followed, alerts: [...followed.alerts, ...extra] };
    },
  };
}
