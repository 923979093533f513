/**
 * Handlers run in turns of the event loop, in arrival order. A request is read, routed, guarded and its body read
 * as its socket's data arrives (libuv's poll phase); its handler (parsing, key loading, signature checks: the CPU of
 * a request) waits here for a check phase (setImmediate), which runs handlers for up to {@link
 * HANDLER_TURN_BUDGET_MS} and leaves the rest to the next turn, after the loop has waited for events again.
 *
 * Why: libuv's poll phase runs the callbacks of up to 1,024 ready sockets per `epoll_wait`, and while a wait comes
 * back full it waits again at once, up to 48 times, before timers run or newly accepted sockets are watched
 * (uv__io_poll in src/unix/linux.c, libuv v1.52.1 at 1cfa32ff, the version in Node 24.21). With every handler run
 * inside its socket's callback, 4,096 busy clients made each wait cost ≈ 0.5 s (1,024 handlers of ≈ 0.4 ms):
 * timers stopped for up to 18 s, and connections accepted meanwhile were not read for as long, their requests left
 * in the kernel (bench/log/README.md, issue 18). Here a poll phase costs reading requests, and handlers still come
 * in bursts that fill the log's batches: one handler per turn instead halved the entries/s at 1,024 clients.
 */
export interface HandlerTurns {
  /** Resolves in a check phase of the event loop, after every earlier caller. */
  next(): Promise<void>;
  /** Callers not yet given their turn. */
  waiting(): number;
}

/**
 * Milliseconds of handlers per turn. bench/log at 4,096 clients (2-core VM, runs minutes apart): 5 ms gave 1,107 v1 creates/s
 * at 1.47 ms of CPU each, 20 ms 1,540/s at 0.98 ms; one handler per turn 803–1,238/s at 1.3–1.9 ms.
 */
export const HANDLER_TURN_BUDGET_MS = 20;

/** Compaction threshold of the FIFO below: the consumed head is dropped once it is this long and half the array. */
const COMPACT_AT = 1024;

export function createHandlerTurns(budgetMs: number): HandlerTurns {
  // A FIFO as an array and a head index: shift() would move thousands of resolvers per turn.
  let queue: Array<() => void> = [];
  let head = 0;
  let scheduled = false;

  function take(): () => void {
    const resolve = queue[head] as () => void;
    head += 1;
    if (head >= COMPACT_AT && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return resolve;
  }

  // A check phase (setImmediate) gives handlers their turns until `budgetMs` have passed. Each resolve queues its
  // handler's continuation as a microtask, and the next step is queued behind it, so the clock read before the
  // next turn includes the handler's synchronous part. What is left waits for the next check phase: an immediate
  // set during the check phase runs after the next poll.
  function turn(): void {
    const started = performance.now();
    const step = (): void => {
      if (head >= queue.length) {
        scheduled = false;
      } else if (performance.now() - started >= budgetMs) {
        setImmediate(turn);
      } else {
        take()();
        queueMicrotask(step);
      }
    };
    take()();
    queueMicrotask(step);
  }

  return {
    next() {
      return new Promise<void>((resolve) => {
        queue.push(resolve);
        if (!scheduled) {
          scheduled = true;
          setImmediate(turn);
        }
      });
    },
    waiting: () => queue.length - head,
  };
}
