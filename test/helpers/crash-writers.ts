import type { PreparedEntry } from './crash-entries.js';

/** The v1 LogEntryAnon of a 201, as far as the test reads it. */
interface LogEntryAnon {
  body: string;
  logIndex: number;
  verification: { inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number } };
}

/** An acknowledged entry: the artifact it logs, its entry ID and what the 201 said. */
export interface AckedEntry {
  digest: string;
  uuid: string;
  body: string;
  logIndex: number;
  inclusionProof: LogEntryAnon['verification']['inclusionProof'];
}

/** What the writers saw, for the assertions and the numbers logged. */
export interface WriteOutcomes {
  acked: AckedEntry[];
  /** 409s: the entry is in the log already (a retry of a request whose answer was lost). */
  duplicates: string[];
  /** Requests whose outcome is unknown (the connection broke mid-request) and that were not retried. */
  inDoubt: string[];
  /** Retries of the same entry, by why: refused connection, connection broken mid-request, 503. */
  retries: { refused: number; broken: number; busy: number };
  /** Anything else: status and text. Expected to stay empty. */
  unexpected: string[];
}

export interface WritersOptions {
  entries: readonly PreparedEntry[];
  writers: number;
  /** The processes' current URLs (undefined while down), asked before every request. */
  targets: () => ReadonlyArray<string | undefined>;
  stop: () => boolean;
}

/** A request that hangs this long is counted as unexpected: no request should wait on a dead process. */
const REQUEST_TIMEOUT_MS = 15_000;
const DOWN_PAUSE_MS = 25;

/**
 * Concurrent writers posting the prepared entries round-robin to whichever process is up, until `stop()`.
 * After a refused connection (nothing was sent) or a 503, a writer retries the same entry. After a connection
 * that broke mid-request, even-numbered writers retry it (the log must then answer 201 or 409, never a second
 * copy) and odd-numbered writers abandon it as in doubt (it must then appear at most once).
 */
export async function runWriters(options: WritersOptions): Promise<WriteOutcomes> {
  const out: WriteOutcomes = { acked: [], duplicates: [], inDoubt: [], retries: { refused: 0, broken: 0, busy: 0 }, unexpected: [] };
  let next = 0;
  let turn = 0;
  const pickUrl = (): string | undefined => {
    const urls = options.targets();
    for (let i = 0; i < urls.length; i++) {
      const url = urls[turn++ % urls.length];
      if (url) return url;
    }
    return undefined;
  };

  async function writer(id: number): Promise<void> {
    while (!options.stop() && next < options.entries.length) {
      const entry = options.entries[next++] as PreparedEntry;
      for (;;) {
        const url = pickUrl();
        if (!url) {
          await sleep(DOWN_PAUSE_MS);
          continue;
        }
        const result = await post(url, entry, out);
        if (result === 'done') break;
        if (result === 'broken' && id % 2 === 1) {
          out.inDoubt.push(entry.digest);
          break;
        }
        out.retries[result]++;
        if (options.stop() && result !== 'broken') break;
      }
    }
  }

  await Promise.all(Array.from({ length: options.writers }, (_, id) => writer(id)));
  return out;
}

type PostResult = 'done' | 'refused' | 'broken' | 'busy';

async function post(url: string, entry: PreparedEntry, out: WriteOutcomes): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: entry.request,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') {
      out.unexpected.push(`timeout after ${REQUEST_TIMEOUT_MS} ms on ${url}`);
      return 'done';
    }
    return causeCode(err) === 'ECONNREFUSED' ? 'refused' : 'broken';
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    return 'broken';
  }
  if (res.status === 201) {
    const map = JSON.parse(text) as Record<string, LogEntryAnon>;
    const [uuid, value] = Object.entries(map)[0] ?? [];
    if (!uuid || !value) throw new Error(`201 without an entry: ${text}`);
    out.acked.push({ digest: entry.digest, uuid, body: value.body, logIndex: value.logIndex, inclusionProof: value.verification.inclusionProof });
    return 'done';
  }
  if (res.status === 409) {
    out.duplicates.push(entry.digest);
    return 'done';
  }
  // Every 503 tells the client when to come back (the pipeline adds Retry-After); one that does not is a defect.
  if (res.status === 503 && res.headers.get('retry-after') !== null) return 'busy';
  out.unexpected.push(`${res.status} from ${url}: ${text.slice(0, 300)}`);
  return 'done';
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
