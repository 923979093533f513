import type { rekorV2 } from '@sigbox/api';
import type { RekorV2Log } from '@sigbox/rekor';
import { fulcioErrorFormat } from '../error-formats.js';
import type { Api } from '../pipeline/api.js';
import { operationsOf } from '../pipeline/operation.js';
import { tileOperations } from '../tiles/tile-operations.js';
import { mapRekorV2Error } from './rekor-v2-errors.js';

const op = operationsOf<rekorV2.paths>();

/**
 * The Rekor v2 API (openapi/rekor-v2.yaml) over a {@link RekorV2Log}: the write API and the C2SP tlog-tiles read API
 * of the v2 tree at `/api/v2` (rekor-tiles serves its tiles there). grpc-gateway dialect, like Fulcio's.
 */
export function createRekorV2Api(log: RekorV2Log): Api {
  return {
    name: 'rekor-v2',
    // Longer than Fulcio's `/api/v2`, so these paths' errors are answered here.
    prefixes: ['/api/v2/log', '/api/v2/checkpoint', '/api/v2/tile'],
    errorFormat: { ...fulcioErrorFormat, name: 'rekor-v2' },
    mapError: mapRekorV2Error,
    operations: [
      // grpc-gateway parses every body as JSON, whatever its Content-Type.
      op.post('/api/v2/log/entries', { body: 'any-json' }, async ({ body }) => ({ status: 201, body: await log.createEntry(body) })),
      ...tileOperations('/api/v2', { tree: () => log.tree, checkpoint: () => log.checkpoint() }),
    ],
  };
}
