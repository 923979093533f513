import path from 'node:path';
import type { RunningServer, ServerConfig } from '@sigbox/server';
import type { CliIo } from './io.js';
import type { MonitorCommand } from './monitor-config.js';
import { runMonitorCommand } from './monitor-command.js';

/** The box's own monitor polls its checkpoint this often: one local request per round when nothing changed. */
export const UP_MONITOR_INTERVAL_S = 5;
/** The state of the monitor `sigbox up --monitor-policy` runs, in the data folder (or the box's database). */
export const UP_MONITOR_STATE_FILE = 'monitor-state.json';

/**
 * `sigbox up --monitor-policy FILE`: the box follows its own Rekor v2 log (tiles) with the identity watch, every 5 s,
 * alerts as `warn` lines in the box's JSON log. Deliberately small: webhooks, images, other logs and metrics are
 * `sigbox monitor`'s, run beside the box. Resolves when `stop` aborts.
 */
export function runMonitorInUp(config: ServerConfig, server: RunningServer, policyFile: string, io: CliIo, stop: AbortSignal): Promise<number> {
  const command: MonitorCommand = {
    log: server.url,
    trustUrl: server.publicUrl,
    kind: 'tiles',
    logKeyFile: undefined,
    policyFile,
    images: [],
    dockerConfigFile: '',
    webhook: undefined,
    store: config.databaseUrl === undefined ? { kind: 'file', file: path.join(config.dataDir, UP_MONITOR_STATE_FILE) } : { kind: 'database', url: config.databaseUrl },
    once: false,
    // The box's own log, read from its first entry: the box made every one of them.
    fromHead: false,
    intervalSeconds: UP_MONITOR_INTERVAL_S,
    metricsPort: undefined,
  };
  return runMonitorCommand(command, io, stop);
}
