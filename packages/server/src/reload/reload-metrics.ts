import { Counter, Gauge, type Registry } from 'prom-client';

export type ReloadResult = 'success' | 'failure';

/** Config reload outcomes, by file role (`issuance-policy`, `fulcio-config`): a bounded label, not the path. */
export interface ReloadMetrics {
  record(file: string, result: ReloadResult): void;
}

/**
 * `sigbox_config_reload_total{file,result}` and `sigbox_config_last_reload_success{file}` (1 when the file's last
 * reload, or its load at start, was taken; 0 while a refused file waits to be fixed: alert on it), after
 * Prometheus' own `prometheus_config_last_reload_successful`. Registered once per registry.
 */
export function createReloadMetrics(registry: Registry): ReloadMetrics {
  const total = new Counter({ name: 'sigbox_config_reload_total', help: 'Config file reloads, by file and result', labelNames: ['file', 'result'] as const, registers: [registry] });
  const last = new Gauge({ name: 'sigbox_config_last_reload_success', help: 'Whether the last reload of the file was taken (1) or refused, the old one kept (0)', labelNames: ['file'] as const, registers: [registry] });
  return {
    record(file, result) {
      total.inc({ file, result });
      last.set({ file }, result === 'success' ? 1 : 0);
    },
  };
}
