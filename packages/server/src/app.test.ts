import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { LoosePaths } from './pipeline/__fixtures__/loose-paths.js';
import { createApp } from './app.js';
import { fulcioErrorFormat, plainTextErrorFormat, rekorError, rekorErrorFormat } from './error-formats.js';
import { HttpError } from './http-error.js';
import type { Api } from './pipeline/api.js';
import { operationsOf } from './pipeline/operation.js';
import { TRUST_FILE_NAMES, type TrustFile } from './trust-files.js';
import { captureLogger } from './__fixtures__/capture-logger.js';

class DomainError extends Error {}

const op = operationsOf<LoosePaths<'/api/v2/signingCert' | '/api/v2/boom' | '/api/v1/log/entries' | '/api/v1/log/entries/{id}' | '/api/v1/log/raw'>>();

/** Two APIs sharing /api/v1, as Fulcio and Rekor do, plus a plain-text one. */
const fulcio: Api = {
  name: 'fulcio',
  prefixes: ['/api/v2', '/api/v1/signingCert'],
  errorFormat: fulcioErrorFormat,
  operations: [
    op.post('/api/v2/signingCert', { body: 'any-json' }, ({ body }) => ({ status: 201, body: { got: body } })),
    op.get('/api/v2/boom', () => {
      throw new Error('secret backend detail');
    }),
  ],
};
const rekor: Api = {
  name: 'rekor',
  prefixes: ['/api/v1/log'],
  errorFormat: rekorErrorFormat,
  mapError: (err) => (err instanceof DomainError ? rekorError(409, 'duplicate', { Location: '/x' }) : undefined),
  operations: [
    op.post('/api/v1/log/entries', { body: 'json' }, ({ body }) => ({ status: 200, body: { size: JSON.stringify(body).length } })),
    op.get('/api/v1/log/entries/{id}', ({ params }) => {
      if (params.id === 'dup') throw new DomainError('dup');
      throw new HttpError(404, undefined);
    }),
    op.post('/api/v1/log/raw', { body: 'bytes' }, ({ body }) => ({ status: 200, body: { bytes: (body as Buffer).length } })),
  ],
};
const ct: Api = { name: 'ct', prefixes: ['/ct/v1'], errorFormat: plainTextErrorFormat, operations: [] };

function app(overrides: Partial<Parameters<typeof createApp>[0]> = {}) {
  const log = captureLogger();
  return { log, app: createApp({ logger: log.logger, apis: [fulcio, rekor, ct], bodyLimit: 1024, ...overrides }) };
}

describe('createApp: own routes', () => {
  it('answers /healthz like Fulcio', async () => {
    await request(app().app).get('/healthz').expect(200, { status: 'SERVING' });
  });

  it('answers 503 NOT_SERVING when the health check fails, and logs why', async () => {
    const { app: a, log } = app({ healthCheck: () => Promise.reject(new Error('db down')) });
    await request(a).get('/healthz').expect(503, { status: 'NOT_SERVING' });
    expect(log.text()).toContain('db down');
  });

  it('exposes request metrics by route template on its own registry', async () => {
    const { app: a } = app();
    await request(a).get('/healthz').expect(200);
    await request(a).get('/api/v1/log/entries/abc').expect(404);
    const res = await request(a).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('sigbox_http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(res.text).toContain('route="/api/v1/log/entries/{id}",status="404"');
    expect(res.text).toContain('sigbox_http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    // A second app starts from zero: no shared global registry.
    const again = await request(app().app).get('/metrics');
    expect(again.text).not.toContain('route="/healthz"');
  });

  it('serves every trust file at /sigbox/v1/<name> and /<name>, byte for byte, with its content type', async () => {
    const files = Object.values(TRUST_FILE_NAMES).map((name): TrustFile => ({
      name,
      contentType: name.endsWith('.json') ? 'application/json' : 'application/x-pem-file',
      body: name.endsWith('.json') ? `{\n  "name": "${name}"\n}\n` : `-----BEGIN PUBLIC KEY-----\n${Buffer.from(name).toString('base64')}\n-----END PUBLIC KEY-----\n`,
    }));
    const a = app({ trustFiles: () => files }).app;
    for (const file of files) {
      for (const routePath of [`/sigbox/v1/${file.name}`, `/${file.name}`]) {
        const res = await request(a).get(routePath).buffer(true).parse((r, done) => {
          let text = '';
          r.on('data', (chunk: Buffer) => (text += chunk.toString()));
          r.on('end', () => done(null, text));
        });
        expect(res.status, routePath).toBe(200);
        expect(res.body).toBe(file.body);
        expect(res.headers['content-type']).toBe(`${file.contentType}; charset=utf-8`);
        expect(res.headers['cache-control']).toBe('no-cache');
      }
    }
  });

  it('revalidates trust files cheaply: an ETag, and 304 while the file is unchanged', async () => {
    let files: TrustFile[] = [{ name: 'rekor.pub', contentType: 'application/x-pem-file', body: 'one\n' }];
    const a = app({ trustFiles: () => files }).app;
    const first = await request(a).get('/rekor.pub').expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const unchanged = await request(a).get('/rekor.pub').set('If-None-Match', etag).expect(304);
    expect(unchanged.text).toBe('');
    files = [{ name: 'rekor.pub', contentType: 'application/x-pem-file', body: 'two\n' }];
    expect((await request(a).get('/rekor.pub').set('If-None-Match', etag).expect(200)).text).toBe('two\n');
  });

  it('reads the files on every request, and 404s a file it does not have', async () => {
    let files: TrustFile[] = [];
    const a = app({ trustFiles: () => files }).app;
    await request(a).get('/rekor.pub').expect(404, { code: 404, message: 'Not Found' });
    files = [{ name: 'rekor.pub', contentType: 'application/x-pem-file', body: 'rotated\n' }];
    expect((await request(a).get('/sigbox/v1/rekor.pub').expect(200)).text).toBe('rotated\n');
    await request(a).get('/sigbox/v1/ctfe.pub').expect(404);
    await request(a).get('/sigbox/v1/other.pub').expect(404);
  });

  it('serves no trust files without trust files', async () => {
    await request(app().app).get('/trusted_root.json').expect(404);
  });
});

describe('createApp: errors in the owner dialect', () => {
  it('404s outside any API in the Sigbox shape', async () => {
    await request(app().app).get('/nope').expect(404, { code: 404, message: 'Not Found' });
  });

  it('404s under an API prefix in that API shape', async () => {
    const a = app().app;
    await request(a).get('/api/v2/nope').expect(404, { code: 5, message: 'Not Found', details: [] });
    await request(a).get('/api/v1/log/nope').expect(404, { code: 404, message: 'path /api/v1/log/nope was not found' });
    const text = await request(a).get('/ct/v1/nope').expect(404);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toBe('Not Found\n');
  });

  it('answers a known path asked with another method in the owner dialect: Fulcio 501, Rekor 404', async () => {
    const a = app().app;
    await request(a).get('/api/v2/signingCert').expect(501, { code: 12, message: 'Method Not Allowed', details: [] });
    await request(a).delete('/api/v2/boom').expect(501, { code: 12, message: 'Method Not Allowed', details: [] });
    await request(a).put('/api/v1/log/entries').expect(404, { code: 404, message: 'path /api/v1/log/entries was not found' });
  });

  it('passes HttpError through, body-less 404 included', async () => {
    const res = await request(app().app).get('/api/v1/log/entries/abc').expect(404);
    expect(res.text).toBe('');
  });

  it('maps domain errors with the owner mapError, headers included', async () => {
    const res = await request(app().app).get('/api/v1/log/entries/dup').expect(409, { code: 409, message: 'duplicate' });
    expect(res.headers.location).toBe('/x');
  });

  it('answers malformed JSON with 400 in the owner dialect', async () => {
    const send = (path: string) => request(app().app).post(path).set('content-type', 'application/json').send('{"a":');
    await send('/api/v2/signingCert').expect(400, { code: 3, message: 'error parsing request body', details: [] });
    await send('/api/v1/log/entries').expect(400, { code: 400, message: 'error parsing request body' });
  });

  it('answers oversized JSON and raw bodies with 413, and accepts bodies at the limit', async () => {
    const a = app().app;
    const big = JSON.stringify({ x: 'a'.repeat(2000) });
    await request(a).post('/api/v1/log/entries').set('content-type', 'application/json').send(big).expect(413, {
      code: 413,
      message: 'Payload Too Large',
    });
    await request(a).post('/api/v2/signingCert').set('content-type', 'application/json').send(big).expect(413);
    await request(a).post('/api/v1/log/raw').send(Buffer.alloc(1025)).expect(413);
    await request(a).post('/api/v1/log/raw').send(Buffer.alloc(1024)).expect(200, { bytes: 1024 });
  });

  it('hides unknown errors behind a generic 500 and logs them', async () => {
    const { app: a, log } = app();
    const res = await request(a).get('/api/v2/boom').expect(500, { code: 13, message: 'Internal error', details: [] });
    expect(res.text).not.toContain('secret');
    expect(log.text()).toContain('secret backend detail');
  });

  it('matches the trailing-slash form of a route (sigstore-python posts to .../retrieve/)', async () => {
    await request(app().app).post('/api/v1/log/entries/').send({ a: 1 }).expect(200, { size: 7 });
  });
});

describe('createApp: request log', () => {
  it('logs method, route and status but never headers, query or bodies', async () => {
    const { app: a, log } = app();
    await request(a)
      .post('/api/v2/signingCert?token=QUERYSECRET')
      .set('Authorization', 'Bearer TOKENSECRET')
      .set('x-request-id', 'req-1')
      .send({ credentials: 'BODYSECRET' })
      .expect(201);
    const line = log.lines().find((l) => l.msg === 'request');
    expect(line).toMatchObject({ method: 'POST', path: '/api/v2/signingCert', route: '/api/v2/signingCert', status: 201 });
    expect(line?.requestId).toBe('req-1');
    expect(log.text()).not.toMatch(/TOKENSECRET|BODYSECRET|QUERYSECRET|authorization/i);
  });
});
