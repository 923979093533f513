import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { openRawConnection, postHead } from '@sigbox/testkit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { rekorErrorFormat, sigboxErrorFormat } from '../error-formats.js';
import { HttpError } from '../http-error.js';
import type { LoosePaths } from './__fixtures__/loose-paths.js';
import { JSON_CONTENT_TYPE, serializedJson } from './answer.js';
import type { Api } from './api.js';
import { operationsOf } from './operation.js';
import { type Guard, createPipeline } from './pipeline.js';

const op = operationsOf<LoosePaths<'/orders' | '/orders/{id}' | '/any' | '/form' | '/raw' | '/hot' | '/text' | '/tiles/{level}/{rest}' | '/tiles/entries/{rest}'>>();

class OutOfStock extends Error {}

/** An API whose operations echo what the pipeline handed them; `calls` records every handler run. */
function ordersApi(calls: string[]): Api {
  const order = (body: unknown) => {
    calls.push('order');
    const item = (body as { item?: unknown } | undefined)?.item;
    if (item === 'teapot') throw new HttpError(418, { code: 418, message: 'short and stout' });
    if (item === 'gold') throw new OutOfStock('none left');
    if (item === 'bug') throw new Error('secret internal detail');
    if (item === 'busy') throw new HttpError(503, { code: 503, message: 'come back later' });
    return { accepted: item ?? null };
  };
  return {
    name: 'orders',
    prefixes: ['/orders', '/any', '/form', '/raw', '/hot', '/text', '/tiles'],
    errorFormat: rekorErrorFormat,
    mapError: (err) => (err instanceof OutOfStock ? new HttpError(409, { code: 409, message: 'out of stock' }) : undefined),
    operations: [
      op.post('/orders', { body: 'json' }, ({ body, headers }) => ({ status: 201, body: { ...order(body), auth: headers.authorization ?? null } })),
      op.get('/orders/{id}', ({ params, query }) => {
        calls.push(`get ${params.id}`);
        return { status: 200, body: { id: params.id, query } };
      }),
      op.post('/any', { body: 'any-json' }, ({ body }) => ({ status: 200, body: { body: body ?? null } })),
      op.post('/form', { body: 'form', bodyLimit: 64 }, ({ body }) => ({ status: 200, body: { body: body ?? null } })),
      op.post('/raw', { body: 'bytes' }, ({ body }) => ({ status: 200, body: { length: (body as Buffer | undefined)?.length ?? null } })),
      op.get('/hot', () => ({ status: 200, body: serializedJson<{ n: number }>(Buffer.from('{"n":1}')) })),
      op.get('/text', () => ({ status: 200, body: 'é\n', contentType: 'application/x-pem-file' })),
      op.get('/tiles/entries/{rest}', ({ params }) => ({ status: 200, body: { entries: params.rest } }), { restParam: true }),
      op.get('/tiles/{level}/{rest}', ({ params }) => ({ status: 200, body: { level: params.level, rest: params.rest } }), { restParam: true }),
    ],
  };
}

function pipeline(options: { guards?: Guard[]; bodyLimit?: number; bodyTimeoutMs?: number } = {}) {
  const calls: string[] = [];
  const log = captureLogger();
  const registry = new Registry();
  const listener = createPipeline({
    apis: [ordersApi(calls)],
    logger: log.logger,
    registry,
    bodyLimit: options.bodyLimit ?? 1024,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 30_000,
    fallbackErrorFormat: sigboxErrorFormat,
    guards: options.guards ?? [],
  });
  return { app: listener, calls, log, registry };
}

// superagent would turn a Buffer body into JSON text.
const raw = (body: unknown) => body as string;

describe('pipeline: routing', () => {
  it('finds fixed and templated routes, decodes parameters, and ignores one trailing slash', async () => {
    const { app } = pipeline();
    await request(app).get('/orders/a%20b').expect(200, { id: 'a b', query: {} });
    await request(app).get('/orders/7/').expect(200, { id: '7', query: {} });
    await request(app).get('/orders/7?x=1&x=2&y=').expect(200, { id: '7', query: { x: ['1', '2'], y: '' } });
    await request(app).get('/orders/7//').expect(404);
  });

  it('gives the rest of the path to a rest parameter, static segments first', async () => {
    const { app } = pipeline();
    await request(app).get('/tiles/entries/x001/234.p/17').expect(200, { entries: 'x001/234.p/17' });
    await request(app).get('/tiles/0/x001/234').expect(200, { level: '0', rest: 'x001/234' });
    await request(app).get('/tiles/0').expect(404);
  });

  it('matches paths case-sensitively, as upstream Go routers do', async () => {
    await request(pipeline().app).get('/ORDERS/7').expect(404);
  });

  it('answers a path escape it cannot decode with 400 in the owner dialect', async () => {
    await request(pipeline().app).get('/orders/%E0%A4%A').expect(400, { code: 400, message: 'Bad Request' });
  });

  it('answers HEAD like GET without the body', async () => {
    const res = await request(pipeline().app).head('/hot').expect(200);
    expect(res.headers['content-length']).toBe('7');
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(res.text).toBeUndefined();
  });

  it('refuses an API set that defines a route twice', () => {
    const twice: Api = { ...ordersApi([]), name: 'twice' };
    expect(() => createPipeline({ apis: [ordersApi([]), twice], logger: captureLogger().logger, registry: new Registry(), bodyLimit: 1, bodyTimeoutMs: 1, fallbackErrorFormat: sigboxErrorFormat })).toThrow(
      /POST \/orders is defined twice/,
    );
  });
});

describe('pipeline: answers', () => {
  it('sends serialized JSON, text with its charset and bytes as they are', async () => {
    const { app } = pipeline();
    const hot = await request(app).get('/hot').expect(200, { n: 1 });
    expect(hot.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    const text = await request(app).get('/text').expect(200);
    expect(text.headers['content-type']).toBe('application/x-pem-file; charset=utf-8');
    expect(text.text).toBe('é\n');
    expect(text.headers['content-length']).toBe('3');
  });

  it('observes every answer once: request id echoed, one log line and one metric sample under the route template', async () => {
    const { app, log, registry } = pipeline();
    await request(app).get('/orders/9').set('x-request-id', 'req-9').expect('x-request-id', 'req-9').expect(200);
    await request(app).post('/orders').send({ item: 'bug' }).expect(500);
    await request(app).get('/nowhere').expect(404);
    const lines = log.lines().filter((l) => l.msg === 'request');
    expect(lines.map((l) => [l.route, l.status, l.path])).toEqual([
      ['/orders/{id}', 200, '/orders/9'],
      ['/orders', 500, '/orders'],
      ['(unmatched)', 404, '/nowhere'],
    ]);
    expect(lines[0]?.requestId).toBe('req-9');
    const metrics = await registry.metrics();
    expect(metrics).toContain('sigbox_http_requests_total{method="GET",route="/orders/{id}",status="200"} 1');
    expect(metrics).toContain('sigbox_http_requests_total{method="POST",route="/orders",status="500"} 1');
    expect(metrics).toContain('sigbox_http_requests_total{method="GET",route="(unmatched)",status="404"} 1');
  });
});

describe('pipeline: errors', () => {
  it.each([
    ['an HttpError', 'teapot', 418, { code: 418, message: 'short and stout' }],
    ['a domain error the owner maps', 'gold', 409, { code: 409, message: 'out of stock' }],
    ['an unknown error, as a generic 500', 'bug', 500, { code: 500, message: 'Internal Server Error' }],
  ])('%s', async (_what, item, status, body) => {
    const { app } = pipeline();
    const res = await request(app).post('/orders').send({ item }).expect(status, body);
    expect(res.headers['content-type']).toBe(JSON_CONTENT_TYPE);
    expect(res.text).not.toContain('secret');
  });

  it('logs an unknown error once, with its stack', async () => {
    const { app, log } = pipeline();
    await request(app).post('/orders').send({ item: 'bug' }).expect(500);
    const failures = log.lines().filter((l) => l.msg === 'request failed');
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('secret internal detail');
  });

  it('tells every 503 when to come back', async () => {
    const res = await request(pipeline().app).post('/orders').send({ item: 'busy' }).expect(503, { code: 503, message: 'come back later' });
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('pipeline: bodies', () => {
  it.each([
    ['as sent', {}, (b: string) => b],
    ['gzipped', { 'content-encoding': 'gzip' }, (b: string) => gzipSync(b)],
    ['deflated', { 'content-encoding': 'deflate' }, (b: string) => deflateSync(b)],
    ['brotli', { 'content-encoding': 'br' }, (b: string) => brotliCompressSync(b)],
  ])('reads JSON %s', async (_how, headers, encode) => {
    const { app } = pipeline();
    await request(app)
      .post('/orders')
      .set({ 'content-type': 'application/json', authorization: 'Bearer t', ...headers })
      .serialize(raw)
      .send(encode('{"item":"tea"}') as string)
      .expect(201, { accepted: 'tea', auth: 'Bearer t' });
  });

  it.each([
    ['a leading byte order mark', '\ufeff {"item":"tea"}', 201],
    ['an array', '[1]', 201],
    ['malformed JSON', '{"item":', 400],
    ['JSON that is neither object nor array', '"tea"', 400],
    ['a number', ' 42', 400],
  ])('JSON with %s', async (_what, body, status) => {
    const { app, calls } = pipeline();
    const res = await request(app).post('/orders').set('content-type', 'application/json').send(body).expect(status);
    if (status === 400) {
      expect(res.body).toEqual({ code: 400, message: 'error parsing request body' });
      expect(calls).toEqual([]);
    }
  });

  it('reads a declared empty JSON body as {} and no body as nothing', async () => {
    const { app } = pipeline();
    await request(app).post('/orders').set('content-type', 'application/json').set('content-length', '0').expect(201, { accepted: null, auth: null });
    await request(app).post('/any').expect(200, { body: {} });
    // Neither Content-Length nor Transfer-Encoding: no body at all (HTTP clients always declare one, so by hand).
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      socket.end('POST /any HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const answer = (await socket.toArray()).join('');
      expect(answer).toMatch(/^HTTP\/1.1 200 OK\r\n/);
      expect(answer.endsWith('\r\n\r\n{"body":null}')).toBe(true);
    } finally {
      server.close();
    }
  });

  it('reads JSON bodies only when declared as JSON, unless the operation takes any type', async () => {
    const { app } = pipeline();
    await request(app).post('/orders').set('content-type', 'text/plain').send('{"item":"tea"}').expect(201, { accepted: null, auth: null });
    await request(app).post('/any').set('content-type', 'text/plain; charset=UTF-8').send('{"item":"tea"}').expect(200, { body: { item: 'tea' } });
  });

  it('reads form fields or JSON by content type, within the operation’s own limit', async () => {
    const { app } = pipeline();
    await request(app).post('/form').type('form').send({ sub: 'me' }).expect(200, { body: { sub: 'me' } });
    await request(app).post('/form').send({ sub: 'me' }).expect(200, { body: { sub: 'me' } });
    await request(app).post('/form').type('form').send({ sub: 'x'.repeat(100) }).expect(413);
  });

  it('reads raw bytes of any type', async () => {
    await request(pipeline().app).post('/raw').set('content-type', 'application/timestamp-query').send(Buffer.alloc(300)).expect(200, { length: 300 });
  });

  it('refuses a declared length over the limit without calling the handler, and one that grows past it', async () => {
    const { app, calls } = pipeline({ bodyLimit: 16 });
    await request(app).post('/orders').send({ item: 'a long name for tea' }).expect(413, { code: 413, message: 'Payload Too Large' });
    await request(app).post('/orders').set({ 'content-type': 'application/json', 'content-encoding': 'gzip' }).serialize(raw).send(gzipSync(`{"item":"${'a'.repeat(100)}"}`) as unknown as string).expect(413);
    expect(calls).toEqual([]);
  });

  it('cuts a body that does not arrive within the deadline: 408 in the owner dialect, connection closed', async () => {
    const { app, calls } = pipeline({ bodyLimit: 4 * 1024 * 1024, bodyTimeoutMs: 300 });
    // Node's own request timeout (300 s by default) is far away: only the pipeline's deadline can answer in time.
    const server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const client = await openRawConnection(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      client.send(postHead('/orders', 4 * 1024 * 1024));
      client.dribble();
      const answer = await client.closed;
      expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer.endsWith('\r\n\r\n{"code":408,"message":"Request Timeout"}')).toBe(true);
      expect(calls).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('refuses charsets other than UTF-8 and unknown encodings with 415', async () => {
    const { app } = pipeline();
    await request(app).post('/orders').set('content-type', 'application/json; charset=latin1').send('{}').expect(415, { code: 415, message: 'Unsupported Media Type' });
    await request(app).post('/orders').set({ 'content-type': 'application/json', 'content-encoding': 'compress' }).send('{}').expect(415);
  });
});

describe('pipeline: guards', () => {
  it('runs every guard before the body is read, for every operation, and answers a refusal in the owner dialect', async () => {
    const seen: string[] = [];
    const guard: Guard = (req) => {
      seen.push(`${req.api} ${req.method} ${req.route}`);
      if (req.headers['x-tenant'] === 'blocked') throw new HttpError(429, { code: 429, message: 'slow down' }, { headers: { 'Retry-After': '7' } });
    };
    const { app, calls } = pipeline({ guards: [guard] });
    await request(app).get('/hot').expect(200);
    const refused = await request(app).post('/orders').set('x-tenant', 'blocked').send({ item: 'tea' }).expect(429, { code: 429, message: 'slow down' });
    expect(refused.headers['retry-after']).toBe('7');
    // An unreadable body is never read when the guard refuses first.
    await request(app).post('/orders').set('x-tenant', 'blocked').set('content-type', 'application/json').send('{"item":').expect(429);
    expect(calls).toEqual([]);
    expect(seen).toEqual(['orders GET /hot', 'orders POST /orders', 'orders POST /orders']);
  });

  it('does not run for a request no operation matches', async () => {
    const seen: string[] = [];
    const { app } = pipeline({ guards: [(req) => void seen.push(req.route)] });
    await request(app).get('/nowhere').expect(404);
    expect(seen).toEqual([]);
  });
});
