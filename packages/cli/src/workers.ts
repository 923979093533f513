import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';

/** What a worker sends once it serves: its banner, which the primary prints once for all of them. */
interface ServingMessage {
  readonly type: 'sigbox-serving';
  readonly banner: string;
}

const isServingMessage = (m: unknown): m is ServingMessage =>
  typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'sigbox-serving';

export const isClusterWorker = (): boolean => cluster.isWorker;

/** In a worker of `sigbox up --workers N`: tells the primary this process serves. */
export function reportServing(banner: string): void {
  process.send?.({ type: 'sigbox-serving', banner } satisfies ServingMessage);
}

/** Resolves with the worker's banner once it serves, or with its exit code if it dies first. */
function serving(worker: Worker): Promise<{ banner: string } | { exitCode: number }> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (!isServingMessage(message)) return;
      worker.off('exit', onExit);
      resolve({ banner: message.banner });
    };
    const onExit = (code: number | null) => {
      worker.off('message', onMessage);
      resolve({ exitCode: code ?? 1 });
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

async function stopAll(workers: readonly Worker[]): Promise<boolean> {
  const running = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  const exits = running.map((w) => once(w, 'exit') as Promise<[number | null]>);
  for (const w of running) w.process.kill('SIGTERM');
  const codes = await Promise.all(exits);
  return codes.every(([code]) => code === 0);
}

/**
 * The primary of `sigbox up --workers N`: it serves nothing itself. Node's cluster shares the listening port
 * between the workers (each a whole `sigbox up` on the shared database; the log engine's Postgres locks already
 * let several processes sequence and integrate one tree). Workers start one after another, so the first
 * alone creates keys, the development CA, the schema and the trees, and the others load them. The banner is
 * printed once every worker serves. A signal stops every worker gracefully; a worker that dies takes the
 * others down with it (exit 1), leaving restarts to the supervisor rather than hiding a crash loop.
 */
export async function runPrimary(count: number, stderr: (text: string) => void): Promise<{ ok: boolean }> {
  const workers: Worker[] = [];
  // SIGHUP re-reads the config files: every worker holds its own copy, so each is told (and the primary, which
  // serves nothing, must not die of it, Node's default).
  const forwardReload = () => {
    for (const w of workers) if (w.process.exitCode === null && w.process.signalCode === null) w.process.kill('SIGHUP');
  };
  process.on('SIGHUP', forwardReload);
  let banner = '';
  for (let i = 0; i < count; i++) {
    const worker = cluster.fork();
    workers.push(worker);
    const outcome = await serving(worker);
    if ('exitCode' in outcome) {
      await stopAll(workers);
      process.off('SIGHUP', forwardReload);
      return { ok: false };
    }
    banner ||= outcome.banner;
  }
  stderr(banner.replace(/^(sigbox listening on \S+)/, `$1 with ${count} worker processes`));

  const stopped = new Promise<'signal' | 'died'>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve('signal'));
    cluster.once('exit', () => resolve('died'));
  });
  const reason = await stopped;
  if (reason === 'died') stderr('sigbox: a worker process exited; stopping the others\n');
  const clean = await stopAll(workers);
  process.off('SIGHUP', forwardReload);
  return { ok: reason === 'signal' && clean };
}
