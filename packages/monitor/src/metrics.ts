import { Counter, Gauge, type Registry } from 'prom-client';
import type { MonitorAlert } from './alert.js';
import type { FollowObserver } from './follower.js';

/** The monitor's Prometheus metrics, `sigbox_monitor_*`, registered on the caller's registry. */
export interface MonitorMetrics {
  readonly observer: FollowObserver;
  alerted(alerts: readonly MonitorAlert[]): void;
  verified(log: string, size: bigint): void;
}

export function createMonitorMetrics(registry: Registry, log: string): MonitorMetrics {
  const registers = [registry];
  const checkpoints = new Counter({ name: 'sigbox_monitor_checkpoints_verified_total', help: 'Tree heads whose signature verified', labelNames: ['log'], registers });
  const entries = new Counter({ name: 'sigbox_monitor_entries_checked_total', help: 'Entries read and hashed into the rebuilt tree', labelNames: ['log'], registers });
  const alerts = new Counter({ name: 'sigbox_monitor_alerts_total', help: 'Alerts raised, by rule (policy rule name, or the log check) and kind', labelNames: ['rule', 'kind'], registers });
  const lag = new Gauge({ name: 'sigbox_monitor_lag_entries', help: 'Entries in the newest signed tree not yet verified', labelNames: ['log'], registers });
  const size = new Gauge({ name: 'sigbox_monitor_verified_tree_size', help: 'Size of the last verified tree', labelNames: ['log'], registers });
  const at = new Gauge({ name: 'sigbox_monitor_last_verified_timestamp_seconds', help: 'When the state last moved to a verified tree head', labelNames: ['log'], registers });
  return {
    observer: {
      headVerified(_head, behind) {
        checkpoints.inc({ log });
        lag.set({ log }, Number(behind));
      },
      entriesChecked(count, done, total) {
        entries.inc({ log }, count);
        lag.set({ log }, Number(total - done));
      },
    },
    alerted(list) {
      for (const a of list) alerts.inc({ rule: a.rule, kind: a.kind });
    },
    verified(_log, verifiedSize) {
      size.set({ log }, Number(verifiedSize));
      lag.set({ log }, 0);
      at.set({ log }, Date.now() / 1000);
    },
  };
}
