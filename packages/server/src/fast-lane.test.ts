import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { rekorErrorFormat } from './error-formats.js';
import type { FastRoute } from './fast-lane.js';
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
