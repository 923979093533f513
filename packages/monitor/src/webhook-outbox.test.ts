// The webhook outbox against a real HTTP receiver that fails its first answers, across a restart (a reopened outbox).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorAlert } from './alert.js';
import { createDbDocumentStore, createFileDocumentStore } from './document-store.js';
import { openWebhookOutbox } from './webhook-outbox.js';

const alert = (id: string): MonitorAlert => ({ id, kind: 'fork', rule: 'fork', source: 'http://log', message: `alert ${id}`, details: { n: 1n } });

describe('webhook outbox', () => {
  let dir: string;
  let url: string;
  let close: () => Promise<void>;
  const received: Array<{ id: string }> = [];
  let failures = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-outbox-'));
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (failures > 0) {
          failures--;
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body) as { id: string });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  it('retries with backoff, keeps the queue across a restart, and delivers each alert once', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const documents = createFileDocumentStore(path.join(dir, 'outbox.json'));
    failures = 2;
    const first = await openWebhookOutbox({ url, documents, clock });
    await first.enqueue([alert('a'), alert('b')]);
    expect(await first.deliverDue()).toBe(2); // both 503: a, then b
    expect(first.nextDueInMs()).toBe(1_000);
    // "Restart": a new outbox on the same file, and the same alert raised again by the re-run round.
    const second = await openWebhookOutbox({ url, documents, clock });
    await second.enqueue([alert('a')]);
    expect(second.pendingCount()).toBe(2);
    expect(await second.deliverDue()).toBe(2); // not due yet
    now += 1_000;
    expect(await second.deliverDue()).toBe(0);
    expect(received.map((r) => r.id)).toEqual(['a', 'b']);
    expect(received[0]).toMatchObject({ kind: 'fork', message: 'alert a', details: { n: '1' } });
    const third = await openWebhookOutbox({ url, documents, clock });
    await third.enqueue([alert('a')]);
    expect(third.pendingCount()).toBe(0);
  });
});

describe.each(databaseEngines())('database document store on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(() => db?.close());

  it('reads nothing, then the last document written, per name', async () => {
    const a = createDbDocumentStore(db.kysely, 'state:a');
    const b = createDbDocumentStore(db.kysely, 'state:b');
    expect(await a.read()).toBeUndefined();
    await a.write('one');
    await a.write('two');
    await b.write('other');
    expect([await a.read(), await b.read()]).toEqual(['two', 'other']);
  });
});
