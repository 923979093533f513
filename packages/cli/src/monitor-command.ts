import {
  type LogEntry,
  type MonitorAlert,
  createIdentityWatch,
  createMonitor,
  createMonitorMetrics,
  createProgress,
  createStateStore,
  openWebhookOutbox,
  startMetricsServer,
} from '@sigbox/monitor';
import type { Policy } from '@sigbox/policy';
import { createLogger } from '@sigbox/server';
import type { CliIo } from './io.js';
import type { MonitorCommand } from './monitor-config.js';
import { createImageCheck } from './monitor-images.js';
import { MonitorFailure, documentStores, logKeys, readerFor, verifierFor } from './monitor-log.js';
import { MonitorPolicyError, loadMonitorPolicy, reloadPolicyOnSighup } from './monitor-policy.js';

/** `--once`: no alert, an alert, could not run (bad flags' files, log unreachable). */
export const EXIT_MONITOR_OK = 0;
export const EXIT_MONITOR_ALERT = 1;
export const EXIT_MONITOR_ERROR = 2;
/** How long `--once` keeps retrying the webhook before giving up (the outbox keeps what is left for the next run). */
const ONCE_WEBHOOK_DEADLINE_MS = 30_000;
const WEBHOOK_POLL_MS = 1_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * `sigbox monitor`: one round with `--once` (exit 1 on an alert), else rounds every `--interval` seconds until
 * SIGTERM/SIGINT, the webhook outbox drained in between.
 */
export async function runMonitorCommand(command: MonitorCommand, io: CliIo, signal?: AbortSignal): Promise<number> {
  // One round needs no signal handler; a long run stops on SIGTERM/SIGINT unless its caller (sigbox up) decides.
  const stop = signal ?? (command.once ? new AbortController().signal : shutdownSignal());
  const logger = io.logger ?? createLogger();
  const reader = readerFor(command);
  let stores: Awaited<ReturnType<typeof documentStores>> | undefined;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  let unsubscribe: (() => void) | undefined;
  try {
    const [keys, policy] = await Promise.all([logKeys(command), command.policyFile === undefined ? undefined : loadMonitorPolicy(command.policyFile)]);
    // The rules in force; a long run re-reads the file on SIGHUP.
    let watchEntry = policy === undefined ? undefined : createIdentityWatch(policy, reader.kind, reader.url);
    let current: Policy | undefined = policy;
    if (!command.once && command.policyFile !== undefined) {
      unsubscribe = reloadPolicyOnSighup(command.policyFile, (next) => ((current = next), (watchEntry = createIdentityWatch(next, reader.kind, reader.url))), logger);
    }
    stores = await documentStores(command, reader.url);
    metricsServer = command.metricsPort === undefined ? undefined : await startMetricsServer(command.metricsPort);
    if (metricsServer) io.stderr(`monitor: metrics on ${metricsServer.url}\n`);
    const outbox = command.webhook === undefined ? undefined : await openWebhookOutbox({ url: command.webhook, documents: stores.outbox });
    const imageCheck = command.images.length === 0 ? undefined : await createImageCheck(command, () => current);
    const progress = createProgress({ write: io.stderr });
    const monitor = createMonitor({
      reader,
      verify: verifierFor(command, keys),
      store: createStateStore(stores.state, reader.url),
      logger,
      ...(watchEntry ? { checkEntry: (entry: LogEntry) => watchEntry?.(entry) ?? [] } : {}),
      ...(imageCheck ? { extraChecks: [imageCheck] } : {}),
      ...(outbox ? { outbox } : {}),
      ...(metricsServer ? { metrics: createMonitorMetrics(metricsServer.registry, reader.url) } : {}),
      progress: progress.update,
      startAtHead: command.fromHead,
    });
    const deliver = async (deadline: number) => {
      while (outbox && (await outbox.deliverDue()) > 0 && Date.now() < deadline && !stop.aborted) {
        await sleep(Math.min(WEBHOOK_POLL_MS, outbox.nextDueInMs() ?? WEBHOOK_POLL_MS), stop);
      }
    };
    if (command.once) {
      const round = await monitor.round();
      await deliver(Date.now() + ONCE_WEBHOOK_DEADLINE_MS);
      io.stderr(`monitor: ${reader.url} verified at ${round.size} entries (${round.checked} new), ${round.alerts.length} alert(s)\n`);
      return round.alerts.length > 0 ? EXIT_MONITOR_ALERT : EXIT_MONITOR_OK;
    }
    while (!stop.aborted) {
      progress.reset();
      try {
        await monitor.round();
      } catch (err) {
        logger.error({ err, log: reader.url }, 'monitor round failed; retrying next round');
      }
      const next = Date.now() + command.intervalSeconds * 1000;
      await deliver(next);
      await sleep(Math.max(0, next - Date.now()), stop);
    }
    return EXIT_MONITOR_OK;
  } catch (err) {
    if (!(err instanceof MonitorFailure) && !(err instanceof MonitorPolicyError) && !(err instanceof Error && 'code' in err)) throw err;
    io.stderr(`sigbox monitor: ${err.message}\n`);
    return EXIT_MONITOR_ERROR;
  } finally {
    unsubscribe?.();
    await metricsServer?.close();
    await stores?.close();
  }
}

/** Aborted on the first SIGTERM or SIGINT. */
function shutdownSignal(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGTERM', abort);
  process.once('SIGINT', abort);
  return controller.signal;
}

export type { MonitorAlert };
