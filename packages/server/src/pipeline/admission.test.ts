import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { caught, openRawConnection, postHead } from '@sigbox/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { rekorErrorFormat, sigboxErrorFormat } from '../error-formats.js';
import { closeGracefully } from '../listen.js';
import type { LoosePaths } from './__fixtures__/loose-paths.js';
import { createMeasuredAdmission } from '../admission-metrics.js';
import { operationsOf } from './operation.js';
import { createPipeline } from './pipeline.js';
import { RequestProblem } from './request-problem.js';

const op = operationsOf<LoosePaths<'/entries' | '/reads'>>();

/** A write route whose handler holds every entry until `open()`, so requests stay in service as long as a test likes. */
function gatedLog() {
  const handled: unknown[] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const api = {
    name: 'rekor',
    prefixes: ['/entries', '/reads'],
    errorFormat: rekorErrorFormat,
    operations: [
      op.post('/entries', { body: 'json' }, async ({ body }) => {
        handled.push(body);
        await gate;
        return { status: 201, body: { entry: body } };
      }),
      op.get('/reads', () => ({ status: 200, body: { read: true } })),
    ],
  };
  return { api, handled, open };
}

async function serve(options: { maxInService: number; maxWaitMs: number }) {
  const log = captureLogger();
  const { api, handled, open } = gatedLog();
  const registry = new Registry();
  const admission = createMeasuredAdmission(registry, { routes: ['POST /entries'], ...options });
  const listener = createPipeline({
    apis: [api],
    logger: log.logger,
    registry,
    bodyLimit: 1024,
    bodyTimeoutMs: 30_000,
    fallbackErrorFormat: sigboxErrorFormat,
    guards: [admission.guard],
  });
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, log, admission, handled, open, registry };
}

const entry = (n: number) => JSON.stringify({ n });
const body = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);

describe('admission of the log writes (real sockets)', () => {
  it('works on maxInService at once, queues the next before reading its body, and refuses the rest 503 + Retry-After in the API format', async () => {
    const { url, server, log, admission, handled, open, registry } = await serve({ maxInService: 1, maxWaitMs: 60_000 });
    const metric = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
    try {
      const first = await openRawConnection(url);
      first.send(postHead('/entries', entry(1).length) + entry(1));
      await expect.poll(() => handled).toEqual([{ n: 1 }]);

      // No slot freed yet, so the rate is unknown: up to maxInService wait their turn, in arrival order.
      const second = await openRawConnection(url);
      second.send(postHead('/entries', entry(2).length) + entry(2));
      await expect.poll(() => admission.state()).toMatchObject({ inService: 1, waiting: 1 });

      // The next is refused at once: only its head was sent, the body it declares never comes, and it is answered
      // all the same — the decision is made before the body is read.
      const third = await openRawConnection(url);
      third.send(postHead('/entries', 1000));
      await expect.poll(() => third.received()).toMatch(/\r\n\r\n\{"code":503,"message":"Service Unavailable"\}$/);
      expect(third.received()).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
      expect(third.received()).toMatch(/\r\nRetry-After: 1\r\n/i);
      // What an operator sees meanwhile: one worked on, one waiting, one refused.
      expect([await metric('sigbox_admission_in_service'), await metric('sigbox_admission_waiting'), await metric('sigbox_admission_shed_total')]).toEqual([1, 1, 1]);
      // Reads are not admitted: they pass while the writes wait.
      third.send('GET /reads HTTP/1.1\r\nHost: sigbox\r\n\r\n');
      const reads = await openRawConnection(url);
      reads.send('GET /reads HTTP/1.1\r\nHost: sigbox\r\nConnection: close\r\n\r\n');
      expect(body(await reads.closed)).toBe('{"read":true}');

      expect(handled).toEqual([{ n: 1 }]);
      open();
      await expect.poll(() => body(first.received())).toBe('{"entry":{"n":1}}');
      await expect.poll(() => body(second.received())).toBe('{"entry":{"n":2}}');
      await expect.poll(() => admission.state()).toMatchObject({ inService: 0, waiting: 0 });
      expect([await metric('sigbox_admission_in_service'), await metric('sigbox_admission_waiting'), await metric('sigbox_admission_shed_total')]).toEqual([0, 0, 1]);
      // The refusal is a request line with its status, not an error report.
      expect(log.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
      expect(log.lines().filter((l) => l.msg === 'request').map((l) => l.status)).toEqual(expect.arrayContaining([503, 200, 201, 201]));
      for (const client of [first, second, third]) client.destroy();
    } finally {
      await closeGracefully(server, 100);
    }
  });

  it('forgets a waiting request whose client left, and frees the slot of one that left while in service', async () => {
    const { url, server, admission, handled, open } = await serve({ maxInService: 1, maxWaitMs: 60_000 });
    try {
      const first = await openRawConnection(url);
      first.send(postHead('/entries', entry(1).length) + entry(1));
      await expect.poll(() => handled).toEqual([{ n: 1 }]);
      const leaving = await openRawConnection(url);
      leaving.send(postHead('/entries', entry(2).length) + entry(2));
      await expect.poll(() => admission.state()).toMatchObject({ waiting: 1 });
      leaving.destroy();
      await expect.poll(() => admission.state()).toMatchObject({ inService: 1, waiting: 0 });
      first.destroy();
      open();
      await expect.poll(() => admission.state()).toMatchObject({ inService: 0, waiting: 0 });
      // The one that left was never worked on.
      expect(handled).toEqual([{ n: 1 }]);
      const next = await openRawConnection(url);
      next.send(postHead('/entries', entry(3).length) + entry(3));
      await expect.poll(() => body(next.received())).toBe('{"entry":{"n":3}}');
      next.destroy();
    } finally {
      await closeGracefully(server, 100);
    }
  });

  it('refuses when the expected wait exceeds maxWaitMs, by the rate slots were freed, and says when to come back', async () => {
    let clock = 0;
    const admission = createMeasuredAdmission(new Registry(), { routes: ['POST /entries'], maxInService: 2, maxWaitMs: 1_000, now: () => clock });
    const closers: Array<() => void> = [];
    const request = { method: 'POST', path: '/entries', route: '/entries', api: 'rekor', headers: {}, remoteAddress: undefined, onClosed: (l: () => void) => void closers.push(l) };
    // Two in service; ten answered in the first second: 10/s.
    for (let i = 0; i < 12; i += 1) {
      expect(admission.guard(request)).toBeUndefined();
      if (i < 10) (closers.shift() as () => void)();
    }
    clock = 1_000;
    // Waiting n-th in line at 10/s is n × 100 ms: nine more fit in the second, the tenth would wait 1.0 s, the
    // eleventh 1.1 s and is told to come back in 2 s.
    const waits = Array.from({ length: 10 }, () => admission.guard(request));
    expect(waits.every((w) => w instanceof Promise)).toBe(true);
    const refusal = caught(RequestProblem, () => admission.guard(request));
    expect([refusal.kind, refusal.status, refusal.headers]).toEqual(['UNAVAILABLE', 503, { 'Retry-After': '2' }]);
    expect(admission.state()).toMatchObject({ inService: 2, waiting: 10, perSecond: 10 });
    // Unlisted routes pass untouched.
    expect(admission.guard({ ...request, route: '/reads', method: 'GET' })).toBeUndefined();
  });
});
