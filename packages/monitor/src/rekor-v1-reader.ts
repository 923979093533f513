import { encoding } from '@sigbox/core';
import { MonitorError } from './error.js';
import { type HttpOptions, inOrder, requestJson } from './http.js';
import type { LogEntry } from './log-entry.js';
import type { LogReader } from './log-reader.js';
import type { TreeHead } from './tree-head.js';

/** rekor `/api/v1/log/entries/retrieve` takes at most 10 indexes (openapi/rekor-v1.yaml SearchLogQuery). */
const RETRIEVE_MAX = 10;
const DEFAULT_CONCURRENCY = 4;
/** Entries yielded per batch. */
const BATCH = 200;

interface LogInfo {
  signedTreeHead: string;
  treeID?: string;
  inactiveShards?: Array<{ treeSize: number }>;
}

export interface RekorV1ReaderOptions extends HttpOptions {
  /** The Rekor base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly concurrency?: number;
}

/**
 * Reads a Rekor v1 log through its API: `GET /api/v1/log` (the active shard's signed checkpoint), `/api/v1/log/proof`
 * and `POST /api/v1/log/entries/retrieve` by log index. Global log indexes count the inactive shards first (rekor
 * `pkg/api/tlog.go`), so the active tree's leaf i is global index Σ inactive sizes + i.
 */
export function createRekorV1Reader(options: RekorV1ReaderOptions): LogReader {
  const base = options.url.replace(/\/+$/, '');
  const http: HttpOptions = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  let offset = 0n;
  let treeId: string | undefined;
  const retrieve = async (indexes: bigint[]): Promise<LogEntry[]> => {
    const answer = await requestJson<Array<Record<string, { body: string; logIndex: number }>>>(`${base}/api/v1/log/entries/retrieve`, {
      ...http,
      body: { logIndexes: indexes.map((i) => Number(i + offset)) },
    });
    const byIndex = new Map<bigint, Uint8Array>();
    for (const map of answer) for (const entry of Object.values(map)) byIndex.set(BigInt(entry.logIndex) - offset, encoding.fromBase64(entry.body));
    return indexes.map((index) => {
      const leaf = byIndex.get(index);
      if (leaf === undefined) throw new MonitorError('LOG_UNAVAILABLE', `${base}: entry ${index + offset} missing from retrieve`);
      return { index, leaf };
    });
  };
  return {
    kind: 'rekor-v1',
    url: `${base}/api/v1/log`,
    async treeHead() {
      const info = await requestJson<LogInfo>(`${base}/api/v1/log`, http);
      if (typeof info.signedTreeHead !== 'string') throw new MonitorError('INVALID_RESPONSE', `${base}/api/v1/log: no signedTreeHead`);
      offset = (info.inactiveShards ?? []).reduce((sum, s) => sum + BigInt(s.treeSize), 0n);
      treeId = info.treeID;
      return info.signedTreeHead;
    },
    async consistencyProof(from: bigint, to: TreeHead) {
      const tree = treeId === undefined ? '' : `&treeID=${treeId}`;
      const proof = await requestJson<{ hashes?: string[] }>(`${base}/api/v1/log/proof?firstSize=${from}&lastSize=${to.size}${tree}`, http);
      return (proof.hashes ?? []).map((h) => encoding.fromHex(h));
    },
    async *entries(start: bigint, head: TreeHead) {
      for (let at = start; at < head.size; at += BigInt(BATCH)) {
        const end = at + BigInt(BATCH) < head.size ? at + BigInt(BATCH) : head.size;
        const groups: bigint[][] = [];
        for (let i = at; i < end; i += BigInt(RETRIEVE_MAX)) {
          const group: bigint[] = [];
          for (let j = i; j < end && j < i + BigInt(RETRIEVE_MAX); j++) group.push(j);
          groups.push(group);
        }
        yield (await inOrder(groups.map((g) => () => retrieve(g)), options.concurrency ?? DEFAULT_CONCURRENCY)).flat();
      }
    },
  };
}
