import type { rekorV1 } from '@sigbox/api';
import type { LogTree } from '@sigbox/log';
import { TILE_WIDTH, parseTilePath, type TilePath } from '@sigbox/merkle';
import type { RekorLog } from '@sigbox/rekor';
import { rekorErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { serializedJson } from '../pipeline/answer.js';
import { operationsOf, type Operation } from '../pipeline/operation.js';
import { int64Query, requiredBody } from './query-params.js';
import { mapRekorError } from './rekor-errors.js';

type LogEntry = rekorV1.components['schemas']['LogEntry'];

/** Full tiles never change: a CDN or mirror may keep them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Partial tiles and the checkpoint move on with every integration. */
const SHORT_LIVED = 'public, max-age=5';
const op = operationsOf<rekorV1.paths>();

/**
 * The C2SP tlog-tiles read API of the log's tree (https://c2sp.org/tlog-tiles): checkpoint, hash tiles and entry
 * bundles, with caching headers that let monitors, witnesses and mirrors read the log without touching the write
 * path. A path that is not a tile is a 404 without a body, like a tile beyond the tree. The active shard's tree,
 * read per request: a key rotation switches it at run time.
 */
function tileOperations(activeTree: () => LogTree): Operation[] {
  const answer = (body: Uint8Array | undefined, width: number) =>
    body === undefined
      ? { status: 404 as const }
      : { status: 200 as const, body, contentType: 'application/octet-stream', headers: { 'Cache-Control': width === TILE_WIDTH ? IMMUTABLE : SHORT_LIVED } };
  const tilePath = (path: string): TilePath | undefined => {
    try {
      return parseTilePath(path);
    } catch {
      return undefined;
    }
  };
  return [
    op.get('/api/v1/log/tiles/checkpoint', async () => {
      const { checkpoint } = await activeTree().latest();
      return { status: 200, body: checkpoint, contentType: 'text/plain', headers: { 'Cache-Control': SHORT_LIVED } };
    }),
    op.get(
      '/api/v1/log/tiles/tile/entries/{path}',
      async ({ params }) => {
        const tile = tilePath(`tile/entries/${params.path}`);
        return tile?.kind === 'entries' ? answer(await activeTree().entryBundle(tile.index, tile.width), tile.width) : { status: 404 };
      },
      { restParam: true },
    ),
    op.get(
      '/api/v1/log/tiles/tile/{level}/{path}',
      async ({ params }) => {
        const tile = tilePath(`tile/${params.level}/${params.path}`);
        return tile?.kind === 'hash' ? answer(await activeTree().tile(tile.level, tile.index, tile.width), tile.width) : { status: 404 };
      },
      { restParam: true },
    ),
  ];
}

/**
 * The Rekor v1 API (openapi/rekor-v1.yaml) over a {@link RekorLog}: one tree (`createRekorLog`) or log shards
 * (`createShardedRekorLog`, whose logInfo lists `inactiveShards` and whose proof and key honour `treeID`). Handlers
 * only move JSON: validation, canonicalization, signatures and proofs live in @sigbox/rekor and @sigbox/log.
 */
export function createRekorApi(log: RekorLog): Api {
  return {
    name: 'rekor',
    prefixes: ['/api/v1/log', '/api/v1/index'],
    errorFormat: rekorErrorFormat,
    mapError: mapRekorError,
    operations: [
      op.post('/api/v1/log/entries', { body: 'json' }, async ({ body, headers }) => {
        const { entryId, entry } = await log.createEntry(requiredBody(body, headers, 'proposedEntry'));
        // sigstore-go reads the entry as Payload[ETag]: the ETag is the body's only key, unquoted.
        return { status: 201, body: entry, headers: { ETag: entryId, Location: `/api/v1/log/entries/${entryId}` } };
      }),
      // What verifiers and monitors read most: the entry's JSON is kept as bytes and only its proof is written per read.
      op.get('/api/v1/log/entries', async ({ query }) => {
        const text = await log.getEntryTextByIndex(int64Query(query, 'logIndex', { required: true }));
        // Rekor answers entry 404s with no body.
        return text === undefined ? { status: 404 } : { status: 200, body: serializedJson<LogEntry>(text) };
      }),
      // The trailing-slash form (`/retrieve/`, which sigstore-python posts to) is the same route.
      op.post('/api/v1/log/entries/retrieve', { body: 'json' }, async ({ body, headers }) => ({
        status: 200,
        body: await log.searchLogQuery(requiredBody(body, headers, 'entry')),
      })),
      op.get('/api/v1/log/entries/{entryUUID}', async ({ params }) => {
        const entry = await log.getEntryByRef(params.entryUUID);
        return entry === undefined ? { status: 404 } : { status: 200, body: entry };
      }),
      op.post('/api/v1/index/retrieve', { body: 'json' }, async ({ body, headers }) => ({
        status: 200,
        body: await log.searchIndex(requiredBody(body, headers, 'query')),
      })),
      op.get('/api/v1/log', async () => ({ status: 200, body: await log.logInfo() })),
      op.get('/api/v1/log/proof', async ({ query }) => {
        const lastSize = int64Query(query, 'lastSize', { required: true, min: 1n });
        const firstSize = int64Query(query, 'firstSize', { min: 1n }) ?? 1n;
        return { status: 200, body: await log.logProof(firstSize, lastSize, int64Query(query, 'treeID', { min: 1n })) };
      }),
      op.get('/api/v1/log/publicKey', ({ query }) => ({
        status: 200,
        body: log.publicKey(int64Query(query, 'treeID', { min: 1n })),
        contentType: 'application/x-pem-file',
      })),
      ...tileOperations(() => log.tree),
    ],
  };
}
