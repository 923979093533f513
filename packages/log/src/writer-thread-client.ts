import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadDbOptions } from '@sigbox/db';
import type { ThreadCheckpointSigner } from './checkpoint-signers.js';
import { LogError } from './errors.js';
import type { EntryToSequence, Sequenced } from './sequencer.js';
import { type FromWriter, type SerializedError, type ToWriter, type TreeWriterData, type Until, deserializeError } from './writer-thread-protocol.js';
import type { TreeWriter, WriterEvents, WriterSettings, WrittenEntry } from './tree-writer.js';

/**
 * Connections of each tree's own pool on the writer thread: one sequencing transaction, one integration round and the plain
 * progress read before a round can be under way at once.
 */
const WRITER_THREAD_CONNECTIONS = 4;
/**
 * The writer's young generation, in MiB. Left to V8, each worker isolate grows it (and the old generation behind
 * it) to ≈ 150 MiB committed under load for a live set of 15–55 MiB; capped, a writer commits ≈ 25–30 MiB and the
 * box's resident set under mixed load falls by ≈ 250 MiB (bench/memory/README.md). The old generation is left
 * uncapped: a full queue of large entries is the writer's to hold, and running out would kill the process.
 */
const WRITER_THREAD_YOUNG_GENERATION_MB = 8;

// Run from TypeScript sources (tsx; tests, `npm start`), the thread needs the same loader and export
// condition this thread has; run from the build, it is a plain module.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WRITER_THREAD_URL = new URL(FROM_SOURCE ? './writer-thread-main.ts' : './writer-thread-main.js', import.meta.url);
const sourceExecArgv = (): string[] => ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, '--conditions=@sigbox/source'];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** What the shared thread tells one tree's side, and how that side learns the thread is gone. */
interface TreeSide {
  receive(message: FromWriter): void;
  /** The thread died or stopped: fail what waits. Returns whether the tree was in use (not closing or opening). */
  threadGone(error: LogError): boolean;
}

/**
 * One worker thread per process and database hosts the writers of every tree opened on it: each V8 isolate costs
 * ≈ 25–30 MiB resident however little it does (bench/log/README.md, issue 18: three trees on three threads held
 * ≈ 55 MiB more than on one), while a writer thread is mostly idle, waiting on its database round trips, so three
 * trees' writers share one event loop at no measured cost. The thread stops when its last tree closes.
 */
class WriterHost {
  readonly worker: Worker;
  private readonly trees = new Map<number, TreeSide>();
  private readonly busy = new Set<number>();
  private nextTree = 0;

  constructor(private readonly key: string) {
    this.worker = new Worker(WRITER_THREAD_URL, {
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_THREAD_YOUNG_GENERATION_MB },
      ...(FROM_SOURCE ? { execArgv: sourceExecArgv() } : {}),
    });
    this.worker.unref();
    this.worker.on('message', (message: FromWriter) => this.trees.get(message.tree)?.receive(message));
    this.worker.on('error', (error) => this.gone(new LogError('CLOSED', `the log writer thread failed: ${error.message}`, { cause: error })));
    this.worker.on('exit', (code) => this.gone(new LogError('CLOSED', `the log writer thread stopped (exit code ${code})`)));
  }

  attach(side: TreeSide): number {
    const tree = this.nextTree++;
    this.trees.set(tree, side);
    return tree;
  }

  /** The thread keeps the process alive only while some tree owes answers: idle trees must not hold a CLI open. */
  hold(tree: number, busy: boolean): void {
    if (busy) this.busy.add(tree);
    else this.busy.delete(tree);
    if (this.busy.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  /** After a tree's `closed` (or its failed opening): the last tree out stops the thread. */
  detach(tree: number): Promise<void> {
    this.trees.delete(tree);
    this.hold(tree, false);
    if (this.trees.size > 0) return Promise.resolve();
    if (hosts.get(this.key) === this) hosts.delete(this.key);
    return this.worker.terminate().then(() => undefined);
  }

  // A thread that dies unasked leaves a process that can no longer write: answer what waits, then fail the process
  // as loudly as an uncaught error on this thread would (a supervisor restarts it, and start-up integrates whatever
  // was sequenced). Nothing acknowledged is lost: an answer leaves only after its commit.
  private gone(error: LogError): void {
    if (hosts.get(this.key) === this) hosts.delete(this.key);
    const sides = [...this.trees.values()];
    this.trees.clear();
    this.busy.clear();
    let unasked = false;
    for (const side of sides) unasked = side.threadGone(error) || unasked;
    if (unasked) process.nextTick(() => {
      throw error;
    });
  }
}

/** The live writer thread of each database (by its connection options), shared by the trees opened on it. */
const hosts = new Map<string, WriterHost>();

function hostFor(database: ThreadDbOptions): WriterHost {
  const key = JSON.stringify(database);
  let host = hosts.get(key);
  if (host === undefined) {
    host = new WriterHost(key);
    hosts.set(key, host);
  }
  return host;
}

/**
 * A tree's writer on the process's writer thread, with a database pool of its own there. Sequencing and
 * integration hold a row lock across several round trips; on the thread that parses and verifies requests each
 * round trip waits behind whatever that event loop is doing (bench/log: ≈ 20 ms per sequencing transaction under
 * load, most of it queued), there only behind the database. This thread hands entries over and gets the results
 * back, each integration round (state and tiles) before the entries it integrated.
 */
export async function openWriterThread(
  options: { database: ThreadDbOptions; settings: WriterSettings; signers: readonly ThreadCheckpointSigner[] },
  events: WriterEvents,
): Promise<TreeWriter> {
  const data: TreeWriterData = { ...options, maxConnections: WRITER_THREAD_CONNECTIONS };
  const host = hostFor(options.database);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | undefined;
  let closing: Promise<void> | undefined;
  let onClosed: (() => void) | undefined;
  let onStart: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  const holdWhileBusy = (): void => host.hold(tree, pending.size > 0 || onStart !== undefined || onClosed !== undefined);

  function stop(error: Error): void {
    stopped ??= error;
    const failed = [...pending.values()];
    pending.clear();
    for (const p of failed) p.reject(stopped);
    onStart?.reject(stopped);
    onStart = undefined;
    onClosed?.();
    onClosed = undefined;
  }

  const tree = host.attach({
    receive(message) {
      switch (message.type) {
        case 'ready':
          onStart?.resolve();
          onStart = undefined;
          break;
        case 'start-failed':
          stop(deserializeError(message.error));
          break;
        case 'round':
          events.onRound(message.round, message.durationMs);
          break;
        case 'sequenced':
          events.onSequenced(message.batchSize);
          break;
        case 'added':
          for (const outcome of message.outcomes) settle(outcome.id, outcome);
          break;
        case 'drained':
          settle(message.id, message.error === undefined ? { value: undefined } : { error: message.error });
          break;
        case 'closed':
          onClosed?.();
          onClosed = undefined;
          break;
      }
      holdWhileBusy();
    },
    threadGone(error) {
      // Before `ready`, the failure rejects the opening instead.
      const unasked = !stopped && !closing && !onStart;
      stop(error);
      return unasked;
    },
  });

  function settle(id: number, outcome: { value: unknown } | { error: SerializedError }): void {
    const waiting = pending.get(id);
    pending.delete(id);
    if ('error' in outcome) waiting?.reject(deserializeError(outcome.error));
    else waiting?.resolve(outcome.value);
  }

  function expect<T>(id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      holdWhileBusy();
    });
  }

  // Adds from one event-loop turn (every request parsed in it) go over as one message.
  let outbox: Array<{ id: number; entry: EntryToSequence; until: Until }> = [];
  function hand<T>(entry: EntryToSequence, until: Until): Promise<T> {
    if (closing) return Promise.reject(new LogError('CLOSED', 'the log is shutting down'));
    if (stopped) return Promise.reject(stopped);
    const own = { data: ownBytes(entry.data), leafHash: ownBytes(entry.leafHash), identity: ownBytes(entry.identity), keys: entry.keys };
    const id = nextId++;
    if (outbox.length === 0) setImmediate(send);
    outbox.push({ id, entry: entry.extra === undefined ? own : { ...own, extra: ownBytes(entry.extra) }, until });
    return expect<T>(id);
  }

  function send(): void {
    const entries = outbox;
    outbox = [];
    // Empty when close() sent the outbox ahead of this turn's scheduled send.
    if (entries.length > 0 && !stopped) host.worker.postMessage({ type: 'add', tree, entries } satisfies ToWriter);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      onStart = { resolve, reject };
      holdWhileBusy();
      host.worker.postMessage({ type: 'open', tree, data } satisfies ToWriter);
    });
  } catch (error) {
    await host.detach(tree);
    throw error;
  }

  return {
    add: (entry) => hand<WrittenEntry>(entry, 'integrated'),
    sequence: (entry) => hand<Sequenced>(entry, 'sequenced'),
    drain() {
      if (stopped) return Promise.reject(stopped);
      const id = nextId++;
      host.worker.postMessage({ type: 'drain', tree, id } satisfies ToWriter);
      return expect<void>(id);
    },
    close() {
      closing ??= (async () => {
        if (!stopped) {
          await new Promise<void>((resolve) => {
            onClosed = resolve;
            // Adds still in the outbox go first: the thread takes them before it stops taking any.
            if (outbox.length > 0) send();
            host.worker.postMessage({ type: 'close', tree } satisfies ToWriter);
            holdWhileBusy();
          });
        }
        await host.detach(tree);
      })();
      return closing;
    },
  };
}

/** The bytes in a buffer of their own: a view into a larger one (a parsed request body) would copy all of it across. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
