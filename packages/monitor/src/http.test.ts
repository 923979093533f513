import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, request } from './http.js';

describe('log HTTP reads', () => {
  let base: string;
  let close: () => Promise<void>;
  const hits = new Map<string, number>();

  beforeAll(async () => {
    const server = createServer((req, res) => {
      const n = (hits.get(req.url ?? '') ?? 0) + 1;
      hits.set(req.url ?? '', n);
      if (req.url === '/flaky') return void (n <= 2 ? res.writeHead(503).end() : res.end('ok'));
      if (req.url === '/missing') return void res.writeHead(404).end();
      if (req.url === '/bad') return void res.writeHead(400).end();
      if (req.url === '/huge') {
        // Chunked, no content-length: the limit must hold while streaming.
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024);
        for (let i = 0; i * chunk.length <= MAX_RESPONSE_BYTES; i++) res.write(chunk);
        return void res.end();
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(() => close());

  it('retries transient failures, answers undefined for an allowed 404, fails at once on a 400', async () => {
    expect(new TextDecoder().decode(await request(`${base}/flaky`))).toBe('ok');
    expect(hits.get('/flaky')).toBe(3);
    expect(await request(`${base}/missing`, { allow404: true })).toBeUndefined();
    await expect(request(`${base}/bad`)).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE' });
    expect(hits.get('/bad')).toBe(1);
  });

  it('refuses an answer larger than any tile, bundle or page can be', async () => {
    await expect(request(`${base}/huge`)).rejects.toMatchObject({ code: 'INVALID_RESPONSE' });
  });
});
