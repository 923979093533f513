import type { ct } from '@sigbox/api';
import { CT_ERROR_STATUS, CtError, type CtLog, parseChainRequest } from '@sigbox/ctlog';
import { plainTextErrorFormat } from '../error-formats.js';
import { HttpError } from '../http-error.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';

/**
 * RFC 6962 logs answer like Go's http.Error: a status and a line of text. The personality has already mapped the
 * engine's errors (a pushed-back submitter gets 503, and the pipeline tells it when to retry).
 */
export function mapCtError(err: unknown): HttpError | undefined {
  return err instanceof CtError ? new HttpError(CT_ERROR_STATUS[err.code], `${err.message}\n`, { cause: err }) : undefined;
}

const query = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
const op = operationsOf<ct.paths>();

/**
 * The RFC 6962 v1 API of the CT log (openapi/ct.yaml) under /ct/v1. The CA logs its precertificates in-process
 * through the log's SctIssuer; this surface is for monitors, auditors and other submitters. Like ctfe, bodies are
 * parsed as JSON whatever their Content-Type says (ct-go clients send JSON).
 */
export function createCtApi(log: CtLog): Api {
  return {
    name: 'ct',
    prefixes: ['/ct'],
    errorFormat: plainTextErrorFormat,
    mapError: mapCtError,
    operations: [
      op.post('/ct/v1/add-chain', { body: 'any-json' }, async ({ body }) => ({ status: 200, body: (await log.addChain(parseChainRequest(body))).response })),
      op.post('/ct/v1/add-pre-chain', { body: 'any-json' }, async ({ body }) => ({ status: 200, body: (await log.addPreChain(parseChainRequest(body))).response })),
      op.get('/ct/v1/get-sth', async () => ({ status: 200, body: await log.getSth() })),
      op.get('/ct/v1/get-sth-consistency', async ({ query: q }) => ({ status: 200, body: await log.getSthConsistency(query(q.first), query(q.second)) })),
      op.get('/ct/v1/get-proof-by-hash', async ({ query: q }) => ({ status: 200, body: await log.getProofByHash(query(q.hash), query(q.tree_size)) })),
      op.get('/ct/v1/get-entries', async ({ query: q }) => ({ status: 200, body: await log.getEntries(query(q.start), query(q.end)) })),
      op.get('/ct/v1/get-roots', () => ({ status: 200, body: log.getRoots() })),
      op.get('/ct/v1/get-entry-and-proof', async ({ query: q }) => ({ status: 200, body: await log.getEntryAndProof(query(q.leaf_index), query(q.tree_size)) })),
    ],
  };
}
