// createMonitor composed as the command composes it: a real tiles log, the Prometheus registry, a captured logger.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encoding } from '@sigbox/core';
import { buildTilesLogTree, startTilesLogServer } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCheckpointVerifier } from './checkpoint-verifier.js';
import { createMonitorMetrics } from './metrics.js';
import { createMonitor } from './monitor.js';
import { createProgress } from './progress.js';
import { createFileStateStore } from './state-store.js';
import { createTilesReader } from './tiles-reader.js';

describe('createMonitor', () => {
  it('counts verified heads, checked entries and alerts by rule, logs each alert as a warn line, and reports progress', async () => {
    const log = await startTilesLogServer({ origin: 'tiles.test/log' });
    const dir = await mkdtemp(path.join(tmpdir(), 'sigbox-monitor-unit-'));
    try {
      const reader = createTilesReader({ prefix: log.url, concurrency: 2 });
      const registry = new Registry();
      const lines: Array<{ level: string; fields: Record<string, any>; message: string }> = [];
      const logger = {
        warn: (fields: object, message: string) => void lines.push({ level: 'warn', fields: fields as Record<string, any>, message }),
        info: (fields: object, message: string) => void lines.push({ level: 'info', fields: fields as Record<string, any>, message }),
      };
      let now = 0;
      const progress: string[] = [];
      const bar = createProgress({ write: (l) => void progress.push(l), clock: () => (now += 400), intervalMs: 1_000 });
      const monitor = createMonitor({
        reader,
        verify: createCheckpointVerifier({ keys: [{ name: log.origin, publicKey: log.signer.publicKey }] }),
        store: createFileStateStore(path.join(dir, 'state.json'), reader.url),
        logger,
        metrics: createMonitorMetrics(registry, reader.url),
        checkEntry: (entry) => (entry.index % 1000n === 0n ? [{ id: `x${entry.index}`, kind: 'identity', rule: 'every-1000th', source: reader.url, message: `entry ${entry.index}`, details: {} }] : []),
        progress: bar.update,
      });
      await log.serve(buildTilesLogTree(Array.from({ length: 5000 }, (_, i) => encoding.utf8(`e${i}`))));
      const round = await monitor.round();
      expect(round.alerts.map((a) => a.id)).toEqual(['x0', 'x1000', 'x2000', 'x3000', 'x4000']);
      expect(lines.filter((l) => l.level === 'warn').map((l) => [l.message, l.fields.alert.rule])).toEqual(round.alerts.map((a) => [a.message, 'every-1000th']));
      const metrics = await registry.metrics();
      expect(metrics).toContain(`sigbox_monitor_checkpoints_verified_total{log="${reader.url}"} 1`);
      expect(metrics).toContain(`sigbox_monitor_entries_checked_total{log="${reader.url}"} 5000`);
      expect(metrics).toContain('sigbox_monitor_alerts_total{rule="every-1000th",kind="identity"} 5');
      expect(metrics).toContain(`sigbox_monitor_verified_tree_size{log="${reader.url}"} 5000`);
      expect(metrics).toContain(`sigbox_monitor_lag_entries{log="${reader.url}"} 0`);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress[0]).toMatch(/^monitor: \d+\/5000 entries checked, \d+ entries\/s, \d+ remaining/);
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
