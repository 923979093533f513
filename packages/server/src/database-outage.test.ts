// What clients see while the database does not answer: a 503 with Retry-After in each API's own dialect (never the
// generic 500), a /healthz that answers NOT_SERVING within its deadline, and a CA that answers a CT log it cannot
// reach as Fulcio's retryable Unavailable.
import { CaError, type SctIssuer } from '@sigbox/ca';
import { CtError } from '@sigbox/ctlog';
import { DbError } from '@sigbox/db';
import { LogError } from '@sigbox/log';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { captureLogger } from './__fixtures__/capture-logger.js';
import { createApp } from './app.js';
import { caSctIssuer } from './ct/ca-sct-issuer.js';
import { fulcioError, fulcioErrorFormat, plainTextErrorFormat, rekorErrorFormat } from './error-formats.js';
import type { LoosePaths } from './pipeline/__fixtures__/loose-paths.js';
import type { Api } from './pipeline/api.js';
import { operationsOf } from './pipeline/operation.js';
import { HEALTH_CHECK_DEADLINE_MS } from './sigbox-api.js';

const op = operationsOf<LoosePaths<'/api/v2/read' | '/api/v1/log/read' | '/api/v1/log/write' | '/ct/v1/read'>>();
const unreachable = () => new DbError('UNAVAILABLE', 'the database is unavailable: connect ECONNREFUSED 127.0.0.1:5432');
const thrower = (error: () => Error) => () => {
  throw error();
};

/** Three dialects whose handlers meet a database that does not answer, none of them mapping the error itself. */
const apis: Api[] = [
  { name: 'fulcio', prefixes: ['/api/v2'], errorFormat: fulcioErrorFormat, operations: [op.get('/api/v2/read', thrower(unreachable))] },
  {
    name: 'rekor',
    prefixes: ['/api/v1/log'],
    errorFormat: rekorErrorFormat,
    // A personality's mapError that knows nothing of the database: the pipeline still answers 503.
    mapError: () => undefined,
    operations: [
      op.get('/api/v1/log/read', thrower(unreachable)),
      op.get('/api/v1/log/write', thrower(() => new LogError('UNAVAILABLE', "the log's database is unavailable"))),
    ],
  },
  { name: 'ct', prefixes: ['/ct/v1'], errorFormat: plainTextErrorFormat, operations: [op.get('/ct/v1/read', thrower(unreachable))] },
];

/** A "not stalled" bound for /healthz, generous for a loaded machine: the deadline itself is checked to be far below. */
const ANSWERED_WITHIN_MS = 1_000;

describe('a database that does not answer, as clients see it', () => {
  const log = captureLogger();
  const app = createApp({ logger: log.logger, apis });

  it.each([
    ['/api/v2/read', 'Fulcio', { code: 14, message: 'Service Unavailable', details: [] }],
    ['/api/v1/log/read', 'Rekor, a read', { code: 503, message: 'Service Unavailable' }],
    ['/api/v1/log/write', 'Rekor, an engine error', { code: 503, message: 'Service Unavailable' }],
  ])('%s (%s): 503 in the dialect, with Retry-After', async (path, _api, body) => {
    const res = await request(app).get(path).expect(503, body);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('/ct/v1/read (CT): 503 as Go’s http.Error text, with Retry-After', async () => {
    const res = await request(app).get('/ct/v1/read').expect(503);
    expect(res.text).toBe('Service Unavailable\n');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('logs the database error it did not tell the client', () => {
    expect(log.text()).toContain('connect ECONNREFUSED 127.0.0.1:5432');
  });
});

describe('/healthz while the database does not answer', () => {
  it(`answers NOT_SERVING within ${HEALTH_CHECK_DEADLINE_MS} ms when the check hangs, and probes share one check`, async () => {
    expect(HEALTH_CHECK_DEADLINE_MS).toBeLessThan(ANSWERED_WITHIN_MS);
    let checks = 0;
    const { logger } = captureLogger();
    // A partition: the ping is sent and nothing ever comes back.
    const app = createApp({ logger, healthCheck: () => (checks++, new Promise<void>(() => {})) });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 5 }, () => request(app).get('/healthz')));
    expect(performance.now() - started).toBeLessThan(ANSWERED_WITHIN_MS);
    for (const res of answers) expect([res.status, res.body]).toEqual([503, { status: 'NOT_SERVING' }]);
    expect(checks).toBe(1);
  });

  it('checks again once a check has ended', async () => {
    let checks = 0;
    const app = createApp({ logger: captureLogger().logger, healthCheck: async () => void checks++ });
    await request(app).get('/healthz').expect(200);
    await request(app).get('/healthz').expect(200);
    expect(checks).toBe(2);
  });
});

describe('the CA’s SCT issuer over a CT log that cannot take the precertificate', () => {
  const failing = (error: Error): SctIssuer => ({ logPrecertificate: () => Promise.reject(error) });
  const issue = (error: Error) => caSctIssuer(failing(error)).logPrecertificate(new Uint8Array(1), []).catch((e: unknown) => e);

  it.each([
    ['UNAVAILABLE', 'its database does not answer, it is busy or shutting down'],
    ['TIMEOUT', 'it did not answer within the SCT timeout'],
  ] as const)('CtError %s (%s) is the CA’s CT_LOG_UNAVAILABLE: Fulcio’s Unavailable, 503', async (code, _why) => {
    const cause = new CtError(code, 'log busy; retry later');
    const error = await issue(cause);
    expect(error).toBeInstanceOf(CaError);
    expect(error).toMatchObject({ code: 'CT_LOG_UNAVAILABLE', status: 503, message: 'Error entering certificate in CTL', cause });
    expect(fulcioError((error as CaError).status, (error as CaError).message).body).toEqual({ code: 14, message: 'Error entering certificate in CTL', details: [] });
  });

  it('any other failure stays what it was (the CA answers it CT_LOG, 500)', async () => {
    const cause = new CtError('INTERNAL', 'Internal Server Error');
    expect(await issue(cause)).toBe(cause);
  });
});
