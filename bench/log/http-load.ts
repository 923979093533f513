/**
 * A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending its next request as
 * soon as the previous answer is in. Requests started during the warm-up are not measured; a request counts
 * when it completes inside the measured window and `accept` says its answer is good. A 503 or 429 is load shed on
 * purpose: counted apart, and the connection waits its Retry-After (at most 5 s) before its next request, as real
 * clients do; socket errors and timeouts are counted apart too. Connections are
 * `Http1Connection`s, not node:http's Agent: the generator shares the machine with the server, and node:http's
 * client would cost it most of a core at the rates measured here.
 */
import { type Http1Answer, Http1Connection, RequestTimeoutError } from './http1-connection.js';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A request that hangs this long is a timeout, not a latency sample (sigstore-go's Rekor client waits 30 s too). */
const REQUEST_TIMEOUT_MS = 30_000;
/** Statuses that shed load on purpose: the client is told to come back later. */
const SHED_STATUSES = new Set([429, 503]);
/** The longest Retry-After a connection honours before its next request. */
const MAX_RETRY_AFTER_MS = 5_000;
/**
 * The wait after a shed answer without Retry-After: go-retryablehttp's DefaultBackoff (what sigstore's Go clients
 * retry with) honours Retry-After on 429/503 and otherwise starts at RetryWaitMin = 1 s.
 */
const SHED_WAIT_WITHOUT_RETRY_AFTER_MS = 1_000;

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
  /** A request with no byte of its answer for this long is a timeout (default 30 s). */
  timeoutMs?: number;
}

export interface LoadResult {
  /** Accepted answers in the measured window. */
  accepted: number;
  /** Measured answers neither accepted nor shed, by HTTP status (a 201 whose proof fails counts under 201). */
  rejected: Map<number, number>;
  /** Milliseconds of each accepted request in the measured window. */
  latenciesMs: number[];
  /** 503 and 429 answers in the measured window: load shed on purpose; after each the connection waits. */
  shed: number;
  /** Milliseconds of each shed answer in the measured window. */
  shedLatenciesMs: number[];
  /** Requests that failed below HTTP in the measured window (refused, reset, closed mid-answer). */
  socketErrors: number;
  /** The socket errors by error code (ECONNRESET, ECONNREFUSED, …) or message. */
  socketErrorKinds: Map<string, number>;
  /** Requests with no answer for the request timeout, in the measured window. */
  timeouts: number;
  /** Requests sent inside the measured window whose outcome (any) came after it ended: neither counted nor lost. */
  unfinished: number;
  /** Requests sent before the window opened and still without an outcome when it closed: a connection stalled throughout. */
  stalled: number;
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
  const result: LoadResult = {
    accepted: 0, rejected: new Map(), latenciesMs: [], shed: 0, shedLatenciesMs: [], socketErrors: 0, socketErrorKinds: new Map(), timeouts: 0, unfinished: 0, stalled: 0,
    elapsedMs: 0, exhausted: false,
  };
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  let lastDone = measureFrom;

  const connect = () => new Http1Connection(target.hostname, Number(target.port), timeoutMs);

  async function worker(): Promise<void> {
    let connection = connect();
    while (performance.now() < end) {
      const request = options.next();
      if (request === undefined) {
        result.exhausted = true;
        break;
      }
      // A connection the server closed between answers (after a shed answer, or idle) is not a failed request.
      if (!connection.usable) connection = connect();
      const sent = performance.now();
      let failure: 'socket' | 'timeout' | undefined;
      let failureKind = '';
      const answer: Http1Answer = await send(connection, request).catch((error: unknown) => {
        failure = error instanceof RequestTimeoutError ? 'timeout' : 'socket';
        failureKind = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        connection.close();
        connection = connect();
        return { status: 0, body: Buffer.alloc(0) };
      });
      const done = performance.now();
      const ok = failure === undefined && options.accept(answer.status, answer.body, request);
      const shed = failure === undefined && SHED_STATUSES.has(answer.status);
      if (sent >= measureFrom && done > end) result.unfinished++;
      if (sent < measureFrom && done > end) result.stalled++;
      if (sent >= measureFrom && done <= end) {
        lastDone = Math.max(lastDone, done);
        if (ok) {
          result.accepted++;
          result.latenciesMs.push(done - sent);
        } else if (shed) {
          result.shed++;
          result.shedLatenciesMs.push(done - sent);
        } else if (failure === 'timeout') result.timeouts++;
        else if (failure === 'socket') {
          result.socketErrors++;
          result.socketErrorKinds.set(failureKind, (result.socketErrorKinds.get(failureKind) ?? 0) + 1);
        }
        else result.rejected.set(answer.status, (result.rejected.get(answer.status) ?? 0) + 1);
      }
      if (shed) {
        // As real clients retry: wait what the server asked for (capped), then send the next request.
        const waitMs = answer.retryAfterSeconds === undefined ? SHED_WAIT_WITHOUT_RETRY_AFTER_MS : Math.min(answer.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
        const left = end - performance.now();
        if (left > 0) await sleep(Math.min(waitMs, left));
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

function send(connection: Http1Connection, request: LoadRequest): Promise<Http1Answer> {
  return connection.request(request.method, request.path, request.body, request.contentType);
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
