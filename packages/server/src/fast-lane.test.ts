import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { rekorErrorFormat } from './error-formats.js';
import type { FastJsonPost, FastRoute } from './fast-lane.js';
import { HttpError } from './http-error.js';
import type { Service } from './service.js';
import { captureLogger } from './test-logger.js';

/** A service whose `/things` route exists in both lanes: the fast one answers only `?n=<digits>` below 10. */
function service(calls: string[]): Service {
  const fast: FastRoute = {
    path: '/things',
    async answer(query) {
      calls.push(`fast ${query}`);
      if (query === 'n=boom') throw new Error('fast lane failure');
      const n = /^n=(\d+)$/.exec(query)?.[1];
      return n !== undefined && Number(n) < 10 ? { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ n: Number(n), lane: 'fast', note: 'é' })) } : undefined;
    },
  };
  return {
    name: 'things',
    prefixes: ['/things'],
    errorFormat: rekorErrorFormat,
    fastRoutes: [fast],
    mount(router) {
      router.get('/things', (req, res) => {
        calls.push('express');
        const n = Number(req.query.n);
        if (Number.isNaN(n)) throw new HttpError(422, { code: 601, message: 'n must be a number' });
        if (n >= 100) throw new HttpError(404, undefined);
        res.json({ n, lane: 'express' });
      });
      router.post('/things', (_req, res) => void res.status(201).json({ lane: 'express' }));
    },
  };
}

function app() {
  const calls: string[] = [];
  const log = captureLogger();
  return { calls, log, app: createApp({ logger: log.logger, services: [service(calls)] }) };
}

describe('createApp: fast routes', () => {
  it('answers the happy path itself, with the request id, a log line and a metric like any route', async () => {
    const { app: a, calls, log } = app();
    const res = await request(a).get('/things?n=3').set('x-request-id', 'fast-1').expect(200, { n: 3, lane: 'fast', note: 'é' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toBe('fast-1');
    expect(calls).toEqual(['fast n=3']);
    const line = log.lines().find((l) => l.msg === 'request');
    expect(line).toMatchObject({ requestId: 'fast-1', method: 'GET', path: '/things', route: '/things', status: 200 });
    const metrics = await request(a).get('/metrics').expect(200);
    expect(metrics.text).toContain('sigbox_http_requests_total{method="GET",route="/things",status="200"} 1');
  });

  it('hands what it declines to the Express route, which answers and logs it once', async () => {
    const { app: a, calls, log } = app();
    await request(a).get('/things?n=42').expect(200, { n: 42, lane: 'express' });
    expect(calls).toEqual(['fast n=42', 'express']);
    expect(log.lines().filter((l) => l.msg === 'request')).toHaveLength(1);
  });

  it('leaves errors to the Express route and its owner’s error format', async () => {
    const { app: a } = app();
    await request(a).get('/things?n=x').expect(422, { code: 601, message: 'n must be a number' });
    const missing = await request(a).get('/things?n=100').expect(404);
    expect(missing.text).toBe('');
    // A failure inside the fast lane is not answered there: the Express route answers instead.
    await request(a).get('/things?n=boom').expect(422);
  });

  it('answers only GET: other methods and other paths go straight to Express', async () => {
    const { app: a, calls } = app();
    await request(a).post('/things').send({}).expect(201, { lane: 'express' });
    await request(a).head('/things?n=3').expect(200);
    await request(a).get('/things/3').expect(404);
    expect(calls.filter((c) => c.startsWith('fast'))).toEqual([]);
  });
});

/** A service whose `POST /orders` exists in both lanes with the same logic; `lanes` records which one ran. */
function orderService(lanes: string[]): Service {
  class OutOfStock extends Error {}
  const order = (body: unknown): { accepted: unknown } => {
    const item = (body as { item?: unknown }).item;
    if (item === 'teapot') throw new HttpError(418, { code: 418, message: 'short and stout' });
    if (item === 'gold') throw new OutOfStock('none left');
    if (item === 'bug') throw new Error('secret internal detail');
    return { accepted: item };
  };
  const fast: FastJsonPost = {
    path: '/orders',
    async answer(body, headers) {
      lanes.push('fast');
      return { status: 201, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ ...order(body), auth: headers.authorization ?? null })) };
    },
  };
  return {
    name: 'orders',
    prefixes: ['/orders'],
    errorFormat: rekorErrorFormat,
    mapError: (err) => (err instanceof OutOfStock ? new HttpError(409, { code: 409, message: 'out of stock' }) : undefined),
    fastPosts: [fast],
    mount(router) {
      router.post('/orders', (req, res) => {
        lanes.push('express');
        res.status(201).json({ ...order(req.body), auth: req.headers.authorization ?? null });
      });
    },
  };
}

describe('createApp: fast JSON POSTs', () => {
  function orders() {
    const lanes: string[] = [];
    const log = captureLogger();
    return { lanes, log, app: createApp({ logger: log.logger, services: [orderService(lanes)] }) };
  }
  // superagent would turn a Buffer body into JSON text.
  const raw = (body: unknown) => body as string;
  /** The same bytes through each lane: as sent (fast), and gzipped, which only Express's parser reads. */
  async function bothLanes(body: string, headers: Record<string, string> = {}) {
    const { app: a, lanes, log } = orders();
    const fast = await request(a).post('/orders').set({ 'content-type': 'application/json', ...headers }).send(body);
    const slow = await request(a).post('/orders').set({ 'content-type': 'application/json', 'content-encoding': 'gzip', ...headers }).serialize(raw).send(gzipSync(body));
    return { fast, slow, lanes, log };
  }

  it.each([
    ['a good order', '{"item":"tea"}', 201],
    ['a leading byte order mark', '\ufeff {"item":"tea"}', 201],
    ['malformed JSON', '{"item":', 400],
    ['JSON that is neither object nor array', '"tea"', 400],
    ['an HttpError', '{"item":"teapot"}', 418],
    ['a domain error the owner maps', '{"item":"gold"}', 409],
    ['an unknown error', '{"item":"bug"}', 500],
  ])('%s: the fast lane answers exactly as the Express route does', async (_what, body, status) => {
    const { fast, slow, lanes } = await bothLanes(body, { authorization: 'Bearer t' });
    // A body that is not JSON never reaches either handler.
    expect(lanes).toEqual(status === 400 ? [] : ['fast', 'express']);
    expect([fast.status, slow.status]).toEqual([status, status]);
    expect(fast.text).toBe(slow.text);
    expect(fast.headers['content-type']).toBe(slow.headers['content-type']);
    expect(fast.text).not.toContain('secret');
  });

  it('records the answer like any route, and logs an unknown error once with its stack', async () => {
    const { app: a, log } = orders();
    await request(a).post('/orders').set('x-request-id', 'post-1').send({ item: 'bug' }).expect(500);
    const line = log.lines().find((l) => l.msg === 'request');
    expect(line).toMatchObject({ requestId: 'post-1', method: 'POST', path: '/orders', route: '/orders', status: 500 });
    const failures = log.lines().filter((l) => l.msg === 'request failed');
    expect(failures).toHaveLength(1);
    expect(JSON.stringify(failures[0])).toContain('secret internal detail');
    const metrics = await request(a).get('/metrics').expect(200);
    expect(metrics.text).toContain('sigbox_http_requests_total{method="POST",route="/orders",status="500"} 1');
  });

  it('leaves to Express what its JSON parser treats specially: compression, other charsets, no or too long a body, a query', async () => {
    const { app: a, lanes } = orders();
    await request(a).post('/orders').set('content-type', 'application/json; charset=latin1').send('{}').expect(415);
    await request(a).post('/orders').set('content-type', 'application/json').set('content-encoding', 'gzip').serialize(raw).send(gzipSync('{"item":"tea"}')).expect(201);
    await request(a).post('/orders').set('content-type', 'application/json').set('content-length', '0').expect(201, { auth: null });
    await request(a).post('/orders?x=1').send({ item: 'tea' }).expect(201);
    const small = createApp({ logger: captureLogger().logger, services: [orderService(lanes)], bodyLimit: 16 });
    await request(small).post('/orders').send({ item: 'a long name for tea' }).expect(413);
    expect(lanes).toEqual(['express', 'express', 'express']);
    await request(a).post('/orders').set('content-type', 'text/plain; charset=UTF-8').send('{"item":"tea"}').expect(201);
    expect(lanes).toEqual(['express', 'express', 'express', 'fast']);
  });
});
