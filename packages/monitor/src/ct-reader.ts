import { encoding } from '@sigbox/core';
import { MonitorError } from './error.js';
import { type HttpOptions, requestJson, requestText } from './http.js';
import type { LogEntry } from './log-entry.js';
import type { LogReader } from './log-reader.js';
import type { TreeHead } from './tree-head.js';

/** Entries asked for per get-entries call; logs may answer fewer (RFC 6962 §4.6), and the reader then asks again. */
const GET_ENTRIES_MAX = 256;

export interface CtReaderOptions extends HttpOptions {
  /** The log's base URL, the one `/ct/v1/get-sth` hangs under, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
}

/** Reads an RFC 6962 CT log: `get-sth`, `get-sth-consistency`, `get-entries` (RFC 6962 §4.3, §4.4, §4.6). */
export function createCtReader(options: CtReaderOptions): LogReader {
  const base = options.url.replace(/\/+$/, '');
  const http: HttpOptions = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  return {
    kind: 'ct',
    // The alerts' source names the CT API, so it never equals the Rekor log's on one box.
    url: `${base}/ct/v1`,
    treeHead: () => requestText(`${base}/ct/v1/get-sth`, http),
    async consistencyProof(from: bigint, to: TreeHead) {
      const answer = await requestJson<{ consistency?: string[] }>(`${base}/ct/v1/get-sth-consistency?first=${from}&second=${to.size}`, http);
      return (answer.consistency ?? []).map((h) => encoding.fromBase64(h));
    },
    async *entries(start: bigint, head: TreeHead) {
      for (let at = start; at < head.size; ) {
        const last = at + BigInt(GET_ENTRIES_MAX) - 1n < head.size - 1n ? at + BigInt(GET_ENTRIES_MAX) - 1n : head.size - 1n;
        const answer = await requestJson<{ entries?: Array<{ leaf_input: string; extra_data: string }> }>(`${base}/ct/v1/get-entries?start=${at}&end=${last}`, http);
        const got = answer.entries ?? [];
        if (got.length === 0) throw new MonitorError('INVALID_RESPONSE', `${base}: get-entries ${at}-${last} answered no entries`);
        const batch: LogEntry[] = got.slice(0, Number(last - at + 1n)).map((e, i) => ({
          index: at + BigInt(i),
          leaf: encoding.fromBase64(e.leaf_input),
          extraData: encoding.fromBase64(e.extra_data),
        }));
        yield batch;
        at += BigInt(batch.length);
      }
    },
  };
}
