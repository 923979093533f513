import type { Socket } from 'node:net';
import { RequestProblem } from './request-problem.js';

/**
 * Connections accepted over the connection cap (`sigbox up --max-connections`): listen.ts marks them as it accepts
 * them, and the pipeline answers their first request 503 with Retry-After and `Connection: close`, in the owning
 * API's error format, before routing it further, reading its body or running its handler. A client so told knows
 * it was refused on purpose and when to come back; a connection closed unanswered at accept looks to it like a
 * network failure.
 */
const overCap = new WeakSet<Socket>();

/** Marks a connection accepted over the cap (listen.ts, on the server's connection event). */
export function markOverCap(socket: Socket): void {
  overCap.add(socket);
}

/** Whether a request arrived on a connection accepted over the cap. */
export function isOverCap(socket: Socket): boolean {
  return overCap.has(socket);
}

/** Seconds a connection refused over the cap is told to wait: by then connections under the cap have come and gone. */
export const OVER_CAP_RETRY_AFTER_SECONDS = 1;

/** The refusal of a request on a connection over the cap. */
export function overCapProblem(): RequestProblem {
  return new RequestProblem('UNAVAILABLE', 503, 'too many connections; retry later', {
    headers: { 'Retry-After': String(OVER_CAP_RETRY_AFTER_SECONDS), Connection: 'close' },
  });
}
