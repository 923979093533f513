import type { sigbox } from '@sigbox/api';
import type { Api } from '../pipeline/api.js';
import { serializedJson } from '../pipeline/answer.js';
import { operationsOf } from '../pipeline/operation.js';
import { RequestProblem } from '../pipeline/request-problem.js';
import { sigboxErrorFormat } from '../error-formats.js';
import type { TufStore } from './tuf-store.js';

const op = operationsOf<sigbox.paths>();

const METADATA = /^(?:([1-9]\d{0,8})\.(root|snapshot|targets)|timestamp)\.json$/;
/** Versions and hash-named targets never change: a day's caching is safe; timestamp.json must be revalidated. */
const IMMUTABLE = { 'Cache-Control': 'public, max-age=86400' };
const REVALIDATE = { 'Cache-Control': 'no-cache' };

const notFound = (what: string) => new RequestProblem('NOT_FOUND', 404, `no ${what} here`);

/**
 * The TUF repository at `/tuf/` (openapi/sigbox.yaml): metadata as the exact bytes stored, targets by their
 * consistent-snapshot names. A client walking root versions gets 404 past the newest, as the spec expects.
 */
export function createTufApi(store: TufStore): Api {
  const metadata = op.get('/tuf/{metadata}', async ({ params }) => {
    const match = METADATA.exec(params.metadata);
    if (match === null) throw notFound(params.metadata);
    const [, version, role] = match;
    if (role === undefined) {
      const timestamp = await store.latest('timestamp');
      if (timestamp === undefined) throw notFound('timestamp.json');
      return { status: 200, body: serializedJson(Buffer.from(timestamp.bytes)), headers: REVALIDATE };
    }
    const body = await store.version(role as 'root' | 'snapshot' | 'targets', Number(version));
    if (body === undefined) throw notFound(params.metadata);
    return { status: 200, body: serializedJson(Buffer.from(body)), headers: IMMUTABLE };
  });
  const target = op.get('/tuf/targets/{target}', async ({ params }) => {
    const body = await store.target(params.target);
    if (body === undefined) throw notFound(params.target);
    return { status: 200, body: Buffer.from(body), contentType: 'application/octet-stream', headers: IMMUTABLE };
  });
  return { name: 'tuf', prefixes: ['/tuf'], errorFormat: sigboxErrorFormat, operations: [metadata, target] };
}
