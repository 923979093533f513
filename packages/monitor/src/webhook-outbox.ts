import type { MonitorAlert } from './alert.js';
import { MonitorError } from './error.js';
import type { DocumentStore } from './document-store.js';

/** First retry after 1 s, doubling up to 5 min between tries; an alert is retried until delivered. */
export const WEBHOOK_BACKOFF_BASE_MS = 1_000;
export const WEBHOOK_BACKOFF_MAX_MS = 5 * 60_000;
/** Delivered ids remembered so a re-raised alert (after a restart mid-round) is not sent again. */
const DELIVERED_KEPT = 10_000;
const POST_TIMEOUT_MS = 10_000;

interface Pending {
  alert: MonitorAlert;
  attempts: number;
  nextAt: number;
  lastError?: string;
}

interface OutboxFile {
  version: 1;
  pending: Pending[];
  delivered: string[];
}

export interface WebhookOutboxOptions {
  readonly url: string;
  /** Where the queue lives (a file or a database row): alerts are written before the state moves past them. */
  readonly documents: DocumentStore;
  readonly fetch?: typeof fetch;
  readonly clock?: () => number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface WebhookOutbox {
  /** Queues alerts not queued or delivered before (by id) and persists the queue (fsync) before resolving. */
  enqueue(alerts: readonly MonitorAlert[]): Promise<void>;
  /** POSTs every alert whose retry time has come; returns how many remain queued. */
  deliverDue(): Promise<number>;
  /** Milliseconds until the next queued alert is due (0 when one is due now), undefined when the queue is empty. */
  nextDueInMs(): number | undefined;
  pendingCount(): number;
}

const toJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * The JSON webhook with retries and backoff that survive a restart: the queue is a file, written atomically before
 * `enqueue` resolves and after every delivery attempt. At-least-once: an alert POSTed whose 2xx was lost to a
 * crash is sent again, with the same `id` for the receiver to deduplicate on.
 */
export async function openWebhookOutbox(options: WebhookOutboxOptions): Promise<WebhookOutbox> {
  const clock = options.clock ?? Date.now;
  const base = options.backoffBaseMs ?? WEBHOOK_BACKOFF_BASE_MS;
  const max = options.backoffMaxMs ?? WEBHOOK_BACKOFF_MAX_MS;
  const doFetch = options.fetch ?? fetch;
  let box: OutboxFile = { version: 1, pending: [], delivered: [] };
  const stored = await options.documents.read();
  try {
    if (stored !== undefined) box = JSON.parse(stored) as OutboxFile;
  } catch (cause) {
    throw new MonitorError('OUTBOX_FAILED', 'the webhook outbox does not parse', { cause });
  }
  const save = () => options.documents.write(`${toJson(box)}\n`);
  const post = async (alert: MonitorAlert): Promise<string | undefined> => {
    try {
      const res = await doFetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: toJson({ ...alert, sentAt: new Date(clock()).toISOString() }),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      await res.body?.cancel();
      return res.ok ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
  return {
    async enqueue(alerts) {
      const known = new Set([...box.delivered, ...box.pending.map((p) => p.alert.id)]);
      const fresh = alerts.filter((a) => !known.has(a.id) && (known.add(a.id), true));
      if (fresh.length === 0) return;
      box.pending.push(...fresh.map((alert) => ({ alert, attempts: 0, nextAt: clock() })));
      await save();
    },
    async deliverDue() {
      for (const item of [...box.pending]) {
        if (item.nextAt > clock()) continue;
        const error = await post(item.alert);
        if (error === undefined) {
          box.pending = box.pending.filter((p) => p !== item);
          box.delivered = [...box.delivered, item.alert.id].slice(-DELIVERED_KEPT);
        } else {
          item.attempts++;
          item.lastError = error;
          item.nextAt = clock() + Math.min(max, base * 2 ** (item.attempts - 1));
        }
        await save();
      }
      return box.pending.length;
    },
    nextDueInMs() {
      if (box.pending.length === 0) return undefined;
      return Math.max(0, Math.min(...box.pending.map((p) => p.nextAt)) - clock());
    },
    pendingCount: () => box.pending.length,
  };
}
