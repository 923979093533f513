/**
 * A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending its next request as
 * soon as the previous answer is in. Requests started during the warm-up are not measured; a request counts
 * when it completes inside the measured window and `accept` says its answer is good. Connections are
 * `Http1Connection`s, not node:http's Agent: the generator shares the machine with the server, and node:http's
 * client would cost it most of a core at the rates measured here.
 */
import { Http1Connection } from './http1-connection.js';
import { performance } from 'node:perf_hooks';

/** A request that hangs this long is an error, not a latency sample. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
  /** Default application/json. */
  contentType?: string;
}

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** The next request, or undefined when there is nothing left to send (the worker stops). */
  next(): LoadRequest | undefined;
  /** Whether an answer counts (e.g. 201 with a proof that verifies); `request` is the one it answers. */
  accept(status: number, body: Buffer, request: LoadRequest): boolean;
  /** Called when the measured window opens and when it closes (e.g. to read CPU counters). */
  onWindow?(edge: 'start' | 'end'): void;
}

export interface LoadResult {
  /** Accepted answers in the measured window. */
  accepted: number;
  /** Measured answers not accepted, by HTTP status (0 = transport error). */
  rejected: Map<number, number>;
  /** Milliseconds of each accepted request in the measured window. */
  latenciesMs: number[];
  /** The measured window's length (shorter if the requests ran out). */
  elapsedMs: number;
  /** Whether `next()` ran out before the window ended. */
  exhausted: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  const result: LoadResult = { accepted: 0, rejected: new Map(), latenciesMs: [], elapsedMs: 0, exhausted: false };
  let lastDone = measureFrom;

  async function worker(): Promise<void> {
    let connection = new Http1Connection(target.hostname, Number(target.port), REQUEST_TIMEOUT_MS);
    while (performance.now() < end) {
      const request = options.next();
      if (request === undefined) {
        result.exhausted = true;
        return;
      }
      const sent = performance.now();
      const answer = await send(connection, request).catch(() => {
        connection.close();
        connection = new Http1Connection(target.hostname, Number(target.port), REQUEST_TIMEOUT_MS);
        return { status: 0, body: Buffer.alloc(0) };
      });
      const done = performance.now();
      const ok = options.accept(answer.status, answer.body, request);
      if (sent < measureFrom || done > end) continue;
      lastDone = Math.max(lastDone, done);
      if (ok) {
        result.accepted++;
        result.latenciesMs.push(done - sent);
      } else {
        result.rejected.set(answer.status, (result.rejected.get(answer.status) ?? 0) + 1);
      }
    }
    connection.close();
  }

  const timers = [setTimeout(() => options.onWindow?.('start'), options.warmupMs), setTimeout(() => options.onWindow?.('end'), options.warmupMs + options.durationMs)];
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  timers.forEach(clearTimeout);
  result.elapsedMs = (result.exhausted ? lastDone : end) - measureFrom;
  return result;
}

function send(connection: Http1Connection, request: LoadRequest): Promise<{ status: number; body: Buffer }> {
  return connection.request(request.method, request.path, request.body, request.contentType);
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
