import { StartError, createLogger, startServer } from '@sigbox/server';
import { formatBanner } from './banner.js';
import { runCaCommand } from './ca-command.js';
import { loadConfig } from './config.js';
import { runExportCommand } from './export-command.js';
import { runInitCommand } from './init-command.js';
import { runRotateCommand } from './rotate-command.js';
import { runTufCommand } from './tuf-command.js';
import { ConfigError } from './error.js';
import type { CliIo } from './io.js';
import { USAGE } from './usage.js';
import { runVerifyCommand } from './verify-command.js';
import { runPolicyCommand } from './policy-command.js';
import { runMonitorCommand } from './monitor-command.js';
import { runMonitorInUp } from './up-monitor.js';
import { isClusterWorker, reportServing, runPrimary } from './workers.js';

/** Exit codes: 2 for a command line we cannot run (like most Unix tools), 1 when the server cannot start. */
export const EXIT_OK = 0;
export const EXIT_START_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The `sigbox` command: parse, start, print the banner, then wait until a signal has shut the server down.
 * Resolves with the process exit code.
 */
export async function run(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, io: CliIo): Promise<number> {
  let config;
  try {
    config = loadConfig(argv, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // A refused --dev start is a well-formed command line: the one line says what to change, the usage would bury it.
    io.stderr(err.code === 'UNSAFE_DEV' ? `sigbox: ${err.message}\n` : `sigbox: ${err.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (config.command === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (config.command === 'ca') return runCaCommand(config.ca, io);
  if (config.command === 'init') return runInitCommand(config.init, io);
  if (config.command === 'rotate') return runRotateCommand(config.rotate, io);
  if (config.command === 'verify') return runVerifyCommand(config.verify, io);
  if (config.command === 'tuf') return runTufCommand(config.tuf, io);
  if (config.command === 'policy') return runPolicyCommand(config.policy, io);
  if (config.command === 'export') return runExportCommand(config.export, io);
  if (config.command === 'monitor') return runMonitorCommand(config.monitor, io);
  if (config.workers > 1 && !isClusterWorker()) return (await runPrimary(config.workers, io.stderr)).ok ? EXIT_OK : EXIT_START_FAILED;
  const logger = io.logger ?? createLogger();
  let server;
  try {
    server = await startServer(config.server, { logger, signals: ['SIGTERM', 'SIGINT'], reloadSignals: ['SIGHUP'] });
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    io.stderr(`sigbox: ${err.message}\n`);
    return EXIT_START_FAILED;
  }
  const banner = formatBanner(config.server, server);
  if (isClusterWorker()) reportServing(banner);
  else io.stderr(banner);
  const monitorStop = new AbortController();
  const monitor = config.monitorPolicy === undefined ? undefined : runMonitorInUp(config.server, server, config.monitorPolicy, { ...io, logger }, monitorStop.signal);
  await server.closed;
  monitorStop.abort();
  await monitor;
  return EXIT_OK;
}
