/**
 * A tlog-tiles log in memory behind a tiny HTTP server, signing its checkpoints with a key the test holds: what
 * the monitor tests need to make a log misbehave on purpose (two trees under one key, a rollback, a bad
 * signature, an entry bundle that does not match the tree) and what bench/monitor serves a million entries from.
 * Serves, under `http://127.0.0.1:<port>/log`, `<url>/checkpoint`, `<url>/tile/<L>/<N>[.p/<W>]` and `<url>/tile/entries/<N>[.p/<W>]` (C2SP tlog-tiles).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Signer, createEphemeralSigner } from '@sigbox/core';
import {
  TILE_WIDTH,
  type Tile,
  createMemoryTileStore,
  createNoteSigner,
  encodeEntryBundle,
  hashLeaf,
  integrate,
  parseTilePath,
  signCheckpoint,
  tileToBytes,
} from '@sigbox/merkle';

export interface TilesLogTree {
  readonly entries: Uint8Array[];
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  readTile(level: number, index: bigint): Tile | undefined;
}

/** Builds a tree of `entries` with `integrate` in batches (fast enough for a million entries). */
export function buildTilesLogTree(entries: Uint8Array[]): TilesLogTree {
  const store = createMemoryTileStore();
  let size = 0n;
  let rootHash = new Uint8Array(32);
  const BATCH = 65_536;
  for (let at = 0; at < entries.length || at === 0; at += BATCH) {
    const result = integrate(size, entries.slice(at, at + BATCH).map(hashLeaf), store.readTile);
    store.writeTiles(result.tiles);
    size = result.size;
    rootHash = new Uint8Array(result.root);
    if (entries.length === 0) break;
  }
  return { entries, size, rootHash, readTile: store.readTile };
}

export interface TilesLogServer {
  /** The tiles prefix: `<url>/checkpoint` is the checkpoint. */
  readonly url: string;
  readonly origin: string;
  readonly signer: Signer;
  /** Serves this tree (and a checkpoint of it, signed now) from the next request on. */
  serve(tree: TilesLogTree, options?: { checkpoint?: string }): Promise<void>;
  /** The checkpoint currently served. */
  checkpoint(): string;
  /** Requests answered so far, by kind. */
  readonly requests: { checkpoint: number; tiles: number; bundles: number };
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (an ephemeral port) with an Ed25519 key unless one is given; origin = name. */
export async function startTilesLogServer(options: { origin?: string; signer?: Signer } = {}): Promise<TilesLogServer> {
  const origin = options.origin ?? 'tiles.test/log';
  const signer = options.signer ?? createEphemeralSigner('ed25519');
  const noteSigner = createNoteSigner(origin, signer);
  let tree = buildTilesLogTree([]);
  let checkpoint = await signCheckpoint({ origin, size: 0n, rootHash: tree.rootHash }, [noteSigner]);
  const requests = { checkpoint: 0, tiles: 0, bundles: 0 };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/log\//, '');
    const send = (body: Uint8Array | string | undefined) => {
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/octet-stream' }).end(body);
    };
    if (path === 'checkpoint') {
      requests.checkpoint++;
      send(checkpoint);
      return;
    }
    let parsed;
    try {
      parsed = parseTilePath(path);
    } catch {
      send(undefined);
      return;
    }
    const full = (tree.size >> BigInt(8 * ((parsed.kind === 'hash' ? parsed.level : 0) + 1))) > parsed.index;
    if (parsed.kind === 'entries') {
      requests.bundles++;
      const start = Number(parsed.index) * TILE_WIDTH;
      const width = full ? TILE_WIDTH : Number(tree.size % BigInt(TILE_WIDTH));
      send(start < tree.entries.length && parsed.width === width ? encodeEntryBundle(tree.entries.slice(start, start + width)) : undefined);
      return;
    }
    requests.tiles++;
    const tile = tree.readTile(parsed.level, parsed.index);
    if (tile === undefined || tile.hashes.length < parsed.width) {
      send(undefined);
      return;
    }
    send(tileToBytes({ ...tile, hashes: tile.hashes.slice(0, parsed.width) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Under a path, as logs usually are (and so `sigbox monitor --log` takes the URL as the tiles prefix).
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log`;
  return {
    url,
    origin,
    signer,
    requests,
    async serve(next, serveOptions = {}) {
      tree = next;
      checkpoint = serveOptions.checkpoint ?? (await signCheckpoint({ origin, size: next.size, rootHash: next.rootHash }, [noteSigner]));
    },
    checkpoint: () => checkpoint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
