// Pushback over HTTP (tessera's ErrPushback): a full queue answers 503 + Retry-After at once, and whatever was
// accepted is in the log exactly once with gapless indices.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseEngines } from '@sigbox/testkit';
import { type RekorHarness, expectRekorError, keyEntry, openLogCheckpoint, startRekor, verifyLogEntry } from './helpers/rekor.js';

const CLIENTS = 50;
const MAX_PENDING = 2;

describe.each(databaseEngines())('pushback on %s', (engine) => {
  let rekor: RekorHarness;
  let server: http.Server;
  beforeAll(async () => {
    // A slow linger keeps entries queued, so the third concurrent one finds the queue full.
    rekor = await startRekor(engine, { maxPending: MAX_PENDING, batchMaxAgeMs: 200 });
    // One listening server for all clients: the requests really overlap.
    server = http.createServer(rekor.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rekor.close();
  });

  it(`${CLIENTS} concurrent POSTs with maxPending ${MAX_PENDING}: some 503 + Retry-After, the rest logged once, gapless`, async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const entries = Array.from({ length: CLIENTS }, () => keyEntry());
    const responses = await Promise.all(entries.map((e) => request(url).post('/api/v1/log/entries').send(e)));
    expect(responses.every((r) => r.status === 201 || r.status === 503)).toBe(true);

    const refused = responses.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expectRekorError(r, 503);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }

    const accepted = responses.filter((r) => r.status === 201).map((r) => verifyLogEntry(rekor, r.body));
    expect(accepted.length).toBeGreaterThan(0);
    const info = (await request(url).get('/api/v1/log').expect(200)).body;
    expect(info.treeSize).toBe(accepted.length);
    expect(accepted.map((a) => a.value.logIndex).sort((a, b) => a - b)).toEqual(Array.from({ length: accepted.length }, (_, i) => i));
    expect(openLogCheckpoint(rekor, info.signedTreeHead).size).toBe(BigInt(accepted.length));

    // Every logged entry is one of the accepted ones, exactly once; none of the refused ones got in.
    const logged: string[] = [];
    for (let index = 0; index < info.treeSize; index++) {
      const res = await request(url).get('/api/v1/log/entries').query({ logIndex: index }).expect(200);
      logged.push(verifyLogEntry(rekor, res.body).entryId);
    }
    expect(new Set(logged).size).toBe(logged.length);
    expect(new Set(logged)).toEqual(new Set(accepted.map((a) => a.entryId)));
    const refusedEntries = entries.filter((_, i) => responses[i]?.status === 503);
    const search = await request(url).post('/api/v1/log/entries/retrieve').send({ entries: refusedEntries.slice(0, 10) }).expect(200);
    expect(search.body).toEqual([]);

    // Once the queue drains, a refused entry is accepted on retry.
    const retried = await request(url).post('/api/v1/log/entries').send(refusedEntries[0] as object).expect(201);
    expect(verifyLogEntry(rekor, retried.body).value.logIndex).toBe(accepted.length);
  });
});
