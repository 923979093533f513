import type { Guard, GuardedRequest } from './pipeline.js';
import { RequestProblem } from './request-problem.js';

/**
 * Admission of expensive requests (the log writes): at most `maxInService` of them are worked on at once (body
 * read, signature verified, queued in the log, proved); the next ones wait their turn in arrival order **before
 * their body is read**, holding nothing but their connection; and a request that would wait longer than
 * `maxWaitMs` for its turn is refused at once with 503 and Retry-After, in its API's error format. Refusing costs
 * the parsing of a request line and headers, nothing more: the body is never read, the signature never verified.
 *
 * Why not just take everything: with thousands of clients at once, every request in the process at the same time
 * keeps thousands of bodies, keys and promises alive for seconds (the garbage collector then copies and marks them
 * over and over), and the log engine's own pushback (`maxPending` of @sigbox/log) would refuse entries only after
 * their signatures were verified. Why not refuse at a fixed count: how many requests fit in `maxWaitMs` depends on
 * how fast this process answers now (the machine, the database, the entry kind), so the bound is the wait itself:
 * the queue's length divided by the rate at which slots were freed over the last second (Little's law).
 */
export interface AdmissionOptions {
  /** The operations admitted, as `METHOD /path-template` (`POST /api/v1/log/entries`); others pass untouched. */
  readonly routes: readonly string[];
  /** Requests worked on at once; more wait. */
  readonly maxInService?: number;
  /** Longest expected wait for a turn; a request that would wait longer is refused (503 + Retry-After). */
  readonly maxWaitMs?: number;
  /** Milliseconds clock (tests); `performance.now` by default. */
  readonly now?: () => number;
  /** Told of every refusal (the server counts them: `sigbox_admission_shed_total`). */
  readonly onShed?: () => void;
}

/**
 * Writes worked on at once. The log's path is bound by latency as much as by CPU (batches wait for fsync'd
 * commits), so too few at once starve the batches: at 4,096 clients 256 and 512 gave 273–453 entries/s where the
 * 1,000 connections served before this admission existed gave 445–765/s; 1,024 gave 622/s with no refusal, on the
 * same shared 2-core machine (docs/design/server.md, "Under load"). At up to 1,024 clients nothing waits.
 */
export const DEFAULT_MAX_IN_SERVICE = 1_024;
/**
 * A turn later than this is too late to be worth waiting for: the client is better told when to come back. Far
 * under the 20 s rekor-tiles v2.3.0 gives a whole request (`--server-timeout`, see listen.ts), and about the p50
 * rekor-tiles itself answers with at 4,096 clients (2.2 s, issue 18), so an honest burst waits rather than retries.
 */
export const DEFAULT_MAX_WAIT_MS = 2_000;
/** How often the rate of freed slots is re-estimated. */
const RATE_WINDOW_MS = 1_000;
/** Retry-After never tells a client to stay away longer than this. */
const MAX_RETRY_AFTER_SECONDS = 30;

/** The log's write operations: what `sigbox up` admits (Rekor v1 create, Rekor v2 append, CT add-(pre-)chain). */
export const LOG_WRITE_ROUTES: readonly string[] = ['POST /api/v1/log/entries', 'POST /api/v2/log/entries', 'POST /ct/v1/add-chain', 'POST /ct/v1/add-pre-chain'];

interface Waiter {
  admit(): void;
  /** The client left while waiting: skip it. */
  gone: boolean;
}

/** What an admission guard reports (for tests and metrics). */
export interface AdmissionState {
  readonly inService: number;
  readonly waiting: number;
  /** Slots freed per second over the last window. */
  readonly perSecond: number;
}

export interface Admission {
  readonly guard: Guard;
  state(): AdmissionState;
}

/** The refusal of a request that would wait too long: 503 in its API's format, told when to come back. */
function shed(retryAfterSeconds: number): RequestProblem {
  return new RequestProblem('UNAVAILABLE', 503, 'too busy to answer in time; retry later', { headers: { 'Retry-After': String(retryAfterSeconds) } });
}

/**
 * A guard that admits the given routes' requests as {@link AdmissionOptions} says; one per process (every API's
 * writes share the process's CPU and the one database).
 *
 * @example
 * const admission = createAdmission({ routes: LOG_WRITE_ROUTES });
 * createApp({ logger, apis, guards: [admission.guard] });
 */
export function createAdmission(options: AdmissionOptions): Admission {
  const routes = new Set(options.routes);
  const maxInService = options.maxInService ?? DEFAULT_MAX_IN_SERVICE;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const now = options.now ?? (() => performance.now());
  let inService = 0;
  // A FIFO as an array and a head index: shift() would move thousands of waiters per admission.
  let queue: Waiter[] = [];
  let head = 0;
  let freed = 0;
  let windowStart = now();
  let perSecond = 0;

  const waiting = () => queue.length - head;

  function measure(at: number): void {
    const elapsed = at - windowStart;
    if (elapsed < RATE_WINDOW_MS) return;
    // After a quiet spell the window says nothing of the rate now: unknown (0) rather than diluted.
    perSecond = elapsed < 2 * RATE_WINDOW_MS ? (freed * 1000) / elapsed : 0;
    freed = 0;
    windowStart = at;
  }

  function release(): void {
    inService -= 1;
    freed += 1;
    measure(now());
    while (head < queue.length) {
      const next = queue[head] as Waiter;
      head += 1;
      if (next.gone) continue;
      inService += 1;
      next.admit();
      break;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  /** Milliseconds until a request joining the queue now gets its turn; Infinity while the rate is unknown. */
  function expectedWaitMs(): number {
    const at = now();
    measure(at);
    const rate = Math.max(perSecond, (freed * 1000) / Math.max(at - windowStart, 1));
    return rate === 0 ? Infinity : ((waiting() + 1) * 1000) / rate;
  }

  function enter(request: GuardedRequest): void | Promise<void> {
    if (inService < maxInService) {
      inService += 1;
      request.onClosed(release);
      return;
    }
    const waitMs = expectedWaitMs();
    // Before any slot was freed the rate is unknown: up to maxInService wait (a cold start's burst), the rest is told.
    if (waitMs > maxWaitMs && (waitMs !== Infinity || waiting() >= maxInService)) {
      const seconds = waitMs === Infinity ? 1 : Math.ceil(waitMs / 1000);
      options.onShed?.();
      throw shed(Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_SECONDS));
    }
    return new Promise<void>((admit) => {
      const waiter: Waiter = { admit, gone: false };
      let admitted = false;
      waiter.admit = () => {
        admitted = true;
        admit();
      };
      queue.push(waiter);
      request.onClosed(() => {
        if (admitted) release();
        else waiter.gone = true;
      });
    });
  }

  return {
    guard: (request) => (routes.has(`${request.method} ${request.route}`) ? enter(request) : undefined),
    state: () => ({ inService, waiting: queue.slice(head).filter((w) => !w.gone).length, perSecond }),
  };
}
