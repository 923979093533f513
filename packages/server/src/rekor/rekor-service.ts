import type { RekorV1Handler } from '@sigbox/api';
import type { RekorLog } from '@sigbox/rekor';
import { rekorErrorFormat } from '../error-formats.js';
import { type FastRoute, JSON_CONTENT_TYPE } from '../fast-lane.js';
import type { Service } from '../service.js';
import { int64Query, requiredBody } from './query-params.js';
import { mapRekorError } from './rekor-errors.js';
import { mountTileRoutes } from './tiles-routes.js';

/** `logIndex=<decimal int64>` and nothing else; any other query takes the Express route and its checks. */
const PLAIN_LOG_INDEX_QUERY = /^logIndex=(0|[1-9][0-9]{0,17})$/;

/**
 * GET /api/v1/log/entries?logIndex=N — what verifiers and monitors read most — before Express. A miss (404) or
 * anything unusual goes to `getLogEntryByIndex`, the one owner of Rekor's error answers.
 */
function entryByIndexFastRoute(log: RekorLog): FastRoute {
  return {
    path: '/api/v1/log/entries',
    async answer(query) {
      const match = PLAIN_LOG_INDEX_QUERY.exec(query);
      const body = match ? await log.getEntryTextByIndex(BigInt(match[1] as string)) : undefined;
      return body === undefined ? undefined : { status: 200, contentType: JSON_CONTENT_TYPE, body };
    },
  };
}

/**
 * The Rekor v1 API (openapi/rekor-v1.yaml) over a {@link RekorLog}. Handlers only move JSON: validation,
 * canonicalization, signatures and proofs live in @sigbox/rekor and @sigbox/log.
 */
export function createRekorService(log: RekorLog): Service {
  const createLogEntry: RekorV1Handler<'createLogEntry'> = async (req, res) => {
    const { entryId, entry } = await log.createEntry(requiredBody(req, 'proposedEntry'));
    // sigstore-go reads the entry as Payload[ETag]: the ETag is the body's only key, unquoted.
    res.status(201).set({ ETag: entryId, Location: `/api/v1/log/entries/${entryId}` }).json(entry);
  };

  const getLogEntryByIndex: RekorV1Handler<'getLogEntryByIndex'> = async (req, res) => {
    const index = int64Query(req.query, 'logIndex', { required: true }) as bigint;
    const entry = await log.getEntryByIndex(index);
    if (entry) res.json(entry);
    else res.status(404).end(); // Rekor answers entry 404s with no body.
  };

  const getLogEntryByUUID: RekorV1Handler<'getLogEntryByUUID'> = async (req, res) => {
    const entry = await log.getEntryByRef(req.params.entryUUID);
    if (entry) res.json(entry);
    else res.status(404).end();
  };

  const searchLogQuery: RekorV1Handler<'searchLogQuery'> = async (req, res) => {
    res.json(await log.searchLogQuery(requiredBody(req, 'entry')));
  };

  const searchIndex: RekorV1Handler<'searchIndex'> = async (req, res) => {
    res.json(await log.searchIndex(requiredBody(req, 'query')));
  };

  const getLogInfo: RekorV1Handler<'getLogInfo'> = async (_req, res) => {
    res.json(await log.logInfo());
  };

  const getLogProof: RekorV1Handler<'getLogProof'> = async (req, res) => {
    const lastSize = int64Query(req.query, 'lastSize', { required: true, min: 1n }) as bigint;
    const firstSize = int64Query(req.query, 'firstSize', { min: 1n }) ?? 1n;
    res.json(await log.logProof(firstSize, lastSize, int64Query(req.query, 'treeID', { min: 1n })));
  };

  const getPublicKey: RekorV1Handler<'getPublicKey'> = async (req, res) => {
    // The key first: an unknown treeID must be answered as JSON, not under the PEM content type.
    const pem = log.publicKey(int64Query(req.query, 'treeID', { min: 1n }));
    res.type('application/x-pem-file').send(pem);
  };

  return {
    name: 'rekor',
    prefixes: ['/api/v1/log', '/api/v1/index'],
    errorFormat: rekorErrorFormat,
    mapError: mapRekorError,
    fastRoutes: [entryByIndexFastRoute(log)],
    mount(router) {
      router.post('/api/v1/log/entries', createLogEntry);
      router.get('/api/v1/log/entries', getLogEntryByIndex);
      // Non-strict routing also serves `/retrieve/`, which sigstore-python posts to.
      router.post('/api/v1/log/entries/retrieve', searchLogQuery);
      router.get('/api/v1/log/entries/:entryUUID', getLogEntryByUUID);
      router.post('/api/v1/index/retrieve', searchIndex);
      router.get('/api/v1/log', getLogInfo);
      router.get('/api/v1/log/proof', getLogProof);
      router.get('/api/v1/log/publicKey', getPublicKey);
      mountTileRoutes(router, log.tree);
    },
  };
}
