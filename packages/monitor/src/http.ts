import { readBodyWithin } from '@sigbox/core';
import { MonitorError } from './error.js';

/** One request may take this long before the log counts as unavailable for this round. */
export const DEFAULT_TIMEOUT_MS = 20_000;
/** Transient failures (network, 429, 5xx) are retried this often, 250 ms × 2^n apart. */
const RETRIES = 3;
/**
 * The largest answer read: an entry bundle holds at most 256 entries of at most 64 KiB (uint16 lengths), 16 MiB;
 * a CT get-entries page of 256 certificates chains is far less. A log cannot make the monitor buffer more.
 */
export const MAX_RESPONSE_BYTES = 17 * 1024 * 1024;
const RETRY_BASE_MS = 250;

export interface HttpOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

const transient = (status: number) => status === 408 || status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * GET (or POST JSON) with a timeout and a few retries for transient failures. A 404 answers undefined when
 * `allow404`; any other non-2xx is LOG_UNAVAILABLE. The body is returned whole: tiles and bundles are small.
 */
export async function request(url: string, options: HttpOptions & { body?: unknown; allow404?: boolean } = {}): Promise<Uint8Array | undefined> {
  const doFetch = options.fetch ?? fetch;
  let lastError: unknown;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    if (attempt > 0) await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
    let res: Response;
    try {
      res = await doFetch(url, {
        method: options.body === undefined ? 'GET' : 'POST',
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (cause) {
      lastError = cause;
      continue;
    }
    if (res.status === 404 && options.allow404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.ok) return readLimited(res, url);
    await res.body?.cancel();
    lastError = new Error(`HTTP ${res.status}`);
    if (!transient(res.status)) break;
  }
  throw new MonitorError('LOG_UNAVAILABLE', `${url}: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
}

async function readLimited(res: Response, url: string): Promise<Uint8Array> {
  const bytes = await readBodyWithin(res, MAX_RESPONSE_BYTES);
  if (bytes === undefined) throw new MonitorError('INVALID_RESPONSE', `${url}: answer over ${MAX_RESPONSE_BYTES} bytes`);
  return bytes;
}

export async function requestText(url: string, options: HttpOptions = {}): Promise<string> {
  return new TextDecoder().decode(await request(url, options));
}

export async function requestJson<T>(url: string, options: HttpOptions & { body?: unknown } = {}): Promise<T> {
  const text = new TextDecoder().decode(await request(url, options));
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new MonitorError('INVALID_RESPONSE', `${url}: not JSON`, { cause });
  }
}

/** Runs `tasks` with at most `limit` in flight, results in order. */
export async function inOrder<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
