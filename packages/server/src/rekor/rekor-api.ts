import type { rekorV1 } from '@sigbox/api';
import type { RekorLog } from '@sigbox/rekor';
import { rekorErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { serializedJson } from '../pipeline/answer.js';
import { operationsOf } from '../pipeline/operation.js';
import { tileOperations } from '../tiles/tile-operations.js';
import { int64Query, requiredBody } from './query-params.js';
import { mapRekorError } from './rekor-errors.js';

type LogEntry = rekorV1.components['schemas']['LogEntry'];

const op = operationsOf<rekorV1.paths>();

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
      // The active shard's tree, read per request: a key rotation switches it at run time.
      ...tileOperations('/api/v1/log/tiles', { tree: () => log.tree }),
    ],
  };
}
