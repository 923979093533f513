import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { type FileWatchOptions, watchFile } from './file-watch.js';
import type { ReloadMetrics } from './reload-metrics.js';

/** A parse failure's position in the file, when the parser knows it (PolicyError's line and column). */
export type ErrorLocation = { readonly line: number; readonly column?: number } | undefined;

export interface ReloadableFileOptions<T> {
  /** The metric label and log name: `issuance-policy`, `fulcio-config`. */
  readonly role: string;
  readonly file: string;
  /** Parses the whole file or throws; nothing is swapped until it returned. */
  parse(text: string): T;
  /** Where in the file a parse failure is. */
  locate?(error: unknown): ErrorLocation;
  /**
   * Swaps `next` in (one assignment: requests under way keep what they hold) and says what changed, for the log.
   * Whatever can fail must happen before the swap: a throw is a refused reload.
   */
  apply(next: T, previous: T): Record<string, unknown>;
  readonly logger: Logger;
  readonly metrics: ReloadMetrics;
  readonly watch?: FileWatchOptions;
}

export type ReloadOutcome = 'success' | 'failure' | 'unchanged';

export interface ReloadableFile<T> {
  current(): T;
  /** Reads the file again; `force` (SIGHUP) applies it even when its bytes did not change. One at a time. */
  reload(force: boolean): Promise<ReloadOutcome>;
  close(): void;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A config file read at start and re-read on change (watch + poll) or on demand: a good new file is parsed whole,
 * then swapped in; a bad one is refused loudly (an error line naming file:line and why, the failure metric, the
 * gauge at 0) and the old one kept. The first read throws: a file that is bad at start stops the start.
 */
export async function openReloadableFile<T>(options: ReloadableFileOptions<T>): Promise<ReloadableFile<T>> {
  const { role, file, logger, metrics } = options;
  let seen = await readFile(file, 'utf8');
  let value = options.parse(seen);
  metrics.record(role, 'success');
  let chain: Promise<ReloadOutcome> = Promise.resolve('unchanged');

  async function reloadOnce(force: boolean): Promise<ReloadOutcome> {
    let next: T;
    let changed: Record<string, unknown>;
    try {
      const text = await readFile(file, 'utf8');
      if (!force && text === seen) return 'unchanged';
      seen = text;
      next = options.parse(text);
      // apply builds before it swaps (an issuer registry, a gate): a throw there leaves the old one in force too.
      changed = options.apply(next, value);
    } catch (error) {
      const at = options.locate?.(error);
      const where = at === undefined ? file : `${file}:${at.line}${at.column === undefined ? '' : `:${at.column}`}`;
      metrics.record(role, 'failure');
      logger.error({ file: role, path: file, line: at?.line, reason: reasonOf(error) }, `${where}: reload refused, keeping the previous ${role}: ${reasonOf(error)}`);
      return 'failure';
    }
    value = next;
    metrics.record(role, 'success');
    logger.info({ file: role, path: file, ...changed }, `${role} reloaded from ${file}`);
    return 'success';
  }

  const watch = watchFile(file, () => void reload(false), {
    ...options.watch,
    onWatchError: (error) => logger.warn({ file: role, path: file, reason: reasonOf(error) }, 'cannot watch the file; polling only'),
  });
  function reload(force: boolean): Promise<ReloadOutcome> {
    chain = chain.then(() => reloadOnce(force));
    return chain;
  }
  return { current: () => value, reload, close: () => watch.close() };
}
