import { encoding } from '@sigbox/core';
import { parseCheckpoint } from '@sigbox/merkle';
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

interface ShardInfo {
  signedTreeHead: string;
  treeID?: string;
  treeSize: number;
}
interface LogInfo extends ShardInfo {
  /** Oldest first (rekor GetLogInfoHandler). */
  inactiveShards?: ShardInfo[];
}

export interface RekorV1ReaderOptions extends HttpOptions {
  /** The Rekor base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly concurrency?: number;
}

/** Where one tree sits in the log: its tree ID (for `?treeID=`) and its first global log index. */
interface TreePlace {
  treeId: string | undefined;
  offset: bigint;
}

function originOf(signed: string): string | undefined {
  try {
    return parseCheckpoint(signed).origin; // unverified: only to pick the shard; the follower verifies it
  } catch {
    return undefined;
  }
}

/**
 * Reads a Rekor v1 log through its API: `GET /api/v1/log` (the active shard's signed checkpoint, and each inactive
 * shard's final one), `/api/v1/log/proof?treeID=` and `POST /api/v1/log/entries/retrieve` by global log index.
 * Global indexes count the shards oldest first (rekor `pkg/api/tlog.go`), so leaf i of a tree is index
 * Σ (sizes of the shards before it) + i.
 */
export function createRekorV1Reader(options: RekorV1ReaderOptions): LogReader {
  const base = options.url.replace(/\/+$/, '');
  const http: HttpOptions = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const logInfo = async () => {
    const info = await requestJson<LogInfo>(`${base}/api/v1/log`, http);
    if (typeof info.signedTreeHead !== 'string') throw new MonitorError('INVALID_RESPONSE', `${base}/api/v1/log: no signedTreeHead`);
    return info;
  };
  const active: TreePlace = { treeId: undefined, offset: 0n };
  const reader = (place: TreePlace): LogReader => ({
    kind: 'rekor-v1',
    url: `${base}/api/v1/log`,
    async treeHead() {
      const info = await logInfo();
      active.offset = (info.inactiveShards ?? []).reduce((sum, s) => sum + BigInt(s.treeSize), 0n);
      active.treeId = info.treeID;
      return info.signedTreeHead;
    },
    async consistencyProof(from: bigint, to: TreeHead) {
      const tree = place.treeId === undefined ? '' : `&treeID=${place.treeId}`;
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
        yield (await inOrder(groups.map((g) => () => retrieve(place, g)), options.concurrency ?? DEFAULT_CONCURRENCY)).flat();
      }
    },
    async previousTree(origin: string) {
      const shards = (await logInfo()).inactiveShards ?? [];
      let offset = 0n;
      for (const shard of shards) {
        if (originOf(shard.signedTreeHead) === origin) return { served: shard.signedTreeHead, reader: reader({ treeId: shard.treeID, offset }) };
        offset += BigInt(shard.treeSize);
      }
      return undefined;
    },
  });
  const retrieve = async (place: TreePlace, indexes: bigint[]): Promise<LogEntry[]> => {
    const answer = await requestJson<Array<Record<string, { body: string; logIndex: number }>>>(`${base}/api/v1/log/entries/retrieve`, {
      ...http,
      body: { logIndexes: indexes.map((i) => Number(i + place.offset)) },
    });
    const byIndex = new Map<bigint, Uint8Array>();
    for (const map of answer) for (const entry of Object.values(map)) byIndex.set(BigInt(entry.logIndex), encoding.fromBase64(entry.body));
    return indexes.map((index) => {
      const logIndex = index + place.offset;
      const leaf = byIndex.get(logIndex);
      if (leaf === undefined) throw new MonitorError('LOG_UNAVAILABLE', `${base}: entry ${logIndex} missing from retrieve`);
      return { index, logIndex, leaf };
    });
  };
  return reader(active);
}
