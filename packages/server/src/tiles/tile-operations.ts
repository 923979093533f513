import type { LogTree } from '@sigbox/log';
import { TILE_WIDTH, type TilePath, parseTilePath } from '@sigbox/merkle';
import type { Answer } from '../pipeline/answer.js';
import type { Operation } from '../pipeline/operation.js';

/** Full tiles never change: a CDN or mirror may keep them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Partial tiles and the checkpoint move on with every integration. */
const SHORT_LIVED = 'public, max-age=5';

/** Where the read API is mounted: Rekor v1's tree under its tiles prefix, the v2 tree at its API root (rekor-tiles). */
export type TilesPrefix = '/api/v1/log/tiles' | '/api/v2';

export interface TileOperationsOptions {
  /** The tree read per request (a key rotation switches Rekor v1's active shard at run time). */
  tree: () => LogTree;
  /** The checkpoint served (default: the tree's newest signed checkpoint); v2 may serve a witnessed one. */
  checkpoint?: (() => Promise<string>) | undefined;
}

function tilePathOf(path: string): TilePath | undefined {
  try {
    return parseTilePath(path);
  } catch {
    return undefined;
  }
}

function tileAnswer(body: Uint8Array | undefined, width: number): Answer {
  return body === undefined
    ? { status: 404 }
    : { status: 200, body, contentType: 'application/octet-stream', headers: { 'Cache-Control': width === TILE_WIDTH ? IMMUTABLE : SHORT_LIVED } };
}

type TileInput = { params: { level?: string; path: string } };
const get = (path: string, handle: (input: TileInput) => Promise<Answer>, restParam = false): Operation => ({
  method: 'GET',
  path,
  handle: handle as unknown as Operation['handle'],
  ...(restParam ? { restParam } : {}),
});

/**
 * The C2SP tlog-tiles read API of a tree (https://c2sp.org/tlog-tiles): checkpoint, hash tiles and entry bundles,
 * with caching headers that let monitors, witnesses and mirrors read the log without touching the write path. A
 * path that is not a tile is a 404 without a body, like a tile beyond the tree. One implementation mounted twice:
 * openapi/rekor-v1.yaml and openapi/rekor-v2.yaml declare the same three operations (getCheckpoint, getEntryBundle,
 * getTile) with the same answers under their prefixes, which is what the untyped paths here rely on.
 */
export function tileOperations(prefix: TilesPrefix, options: TileOperationsOptions): Operation[] {
  const { tree } = options;
  const checkpoint = options.checkpoint ?? (async () => (await tree().latest()).checkpoint);
  return [
    get(`${prefix}/checkpoint`, async () => ({ status: 200, body: await checkpoint(), contentType: 'text/plain', headers: { 'Cache-Control': SHORT_LIVED } })),
    get(
      `${prefix}/tile/entries/{path}`,
      async ({ params }) => {
        const tile = tilePathOf(`tile/entries/${params.path}`);
        return tile?.kind === 'entries' ? tileAnswer(await tree().entryBundle(tile.index, tile.width), tile.width) : { status: 404 };
      },
      true,
    ),
    get(
      `${prefix}/tile/{level}/{path}`,
      async ({ params }) => {
        const tile = tilePathOf(`tile/${params.level ?? ''}/${params.path}`);
        return tile?.kind === 'hash' ? tileAnswer(await tree().tile(tile.level, tile.index, tile.width), tile.width) : { status: 404 };
      },
      true,
    ),
  ];
}
