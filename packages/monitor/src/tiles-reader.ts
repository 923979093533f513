import {
  MerkleError,
  TILE_WIDTH,
  type Tile,
  consistencyProof,
  consistencyProofTiles,
  entryBundlePath,
  parseEntryBundle,
  tileFromBytes,
  tilePath,
  tilesNeededForAppend,
} from '@sigbox/merkle';
import { MonitorError } from './error.js';
import { type HttpOptions, inOrder, request, requestText } from './http.js';
import type { LogEntry } from './log-entry.js';
import type { LogReader } from './log-reader.js';
import type { TreeHead } from './tree-head.js';

/** Entry bundles in flight at once while catching up: enough to hide latency, few enough for a small server. */
const DEFAULT_CONCURRENCY = 8;
const WIDTH = BigInt(TILE_WIDTH);

export interface TilesReaderOptions extends HttpOptions {
  /** The tlog-tiles prefix: `<url>/api/v2` (Rekor v2), `<url>/api/v1/log/tiles` (Sigbox's Rekor v1 tree). */
  readonly prefix: string;
  /** The alerts' source; defaults to the prefix. */
  readonly url?: string;
  readonly concurrency?: number;
}

/** The `width` entries of a C2SP tlog-tiles entry bundle; a bundle cut short or of another width is the log's fault. */
function bundleEntries(bytes: Uint8Array, width: number): Uint8Array[] {
  let out: Uint8Array[];
  try {
    out = parseEntryBundle(bytes);
  } catch (err) {
    if (err instanceof MerkleError) throw new MonitorError('INVALID_RESPONSE', err.message, { cause: err });
    throw err;
  }
  if (out.length !== width) throw new MonitorError('INVALID_RESPONSE', `entry bundle holds ${out.length} entries, not ${width}`);
  return out;
}

/**
 * Reads a tlog-tiles log (https://c2sp.org/tlog-tiles): the checkpoint, hash tiles for consistency proofs, and entry
 * bundles. Full tiles never change, so a CDN in front of the log serves almost every request.
 */
export function createTilesReader(options: TilesReaderOptions): LogReader {
  const prefix = options.prefix.replace(/\/+$/, '');
  const http: HttpOptions = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const fetchTile = async (path: string) => {
    const body = await request(`${prefix}/${path}`, { ...http, allow404: true });
    if (body === undefined) throw new MonitorError('LOG_UNAVAILABLE', `${prefix}/${path}: 404 for a tile inside the signed tree`);
    return body;
  };
  return {
    kind: 'tiles',
    url: options.url ?? prefix,
    treeHead: () => requestText(`${prefix}/checkpoint`, http),
    async consistencyProof(from: bigint, to: TreeHead): Promise<Uint8Array[]> {
      const ids = consistencyProofTiles(from, to.size);
      const tiles = await inOrder(ids.map((id) => async () => tileFromBytes(id.level, id.index, await fetchTile(tilePath(id)))), concurrency);
      const byId = new Map<string, Tile>(tiles.map((t) => [`${t.level}/${t.index}`, t]));
      return consistencyProof(from, to.size, (level, index) => byId.get(`${level}/${index}`));
    },
    edge: (head: TreeHead) =>
      inOrder(tilesNeededForAppend(head.size).map((id) => async () => tileFromBytes(id.level, id.index, await fetchTile(tilePath(id)))), concurrency),
    async *entries(start: bigint, head: TreeHead): AsyncIterable<LogEntry[]> {
      const first = start / WIDTH;
      const end = (head.size + WIDTH - 1n) / WIDTH;
      const load = async (bundle: bigint): Promise<LogEntry[]> => {
        const width = Number(bundle === head.size / WIDTH ? head.size % WIDTH : WIDTH);
        const leaves = bundleEntries(await fetchTile(entryBundlePath(bundle, width)), width);
        const base = bundle * WIDTH;
        return leaves.map((leaf, i) => ({ index: base + BigInt(i), leaf })).filter((e) => e.index >= start);
      };
      // A sliding window of bundle reads, yielded in order.
      const window: Array<Promise<LogEntry[]>> = [];
      let next = first;
      while (next < end || window.length > 0) {
        while (next < end && window.length < concurrency) {
          const p = load(next++);
          p.catch(() => undefined); // awaited below; avoids an unhandled rejection while earlier ones are pending
          window.push(p);
        }
        yield await (window.shift() as Promise<LogEntry[]>);
      }
    },
  };
}
