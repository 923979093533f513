import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeGracefully, httpUrl, listen } from './listen.js';

/** A server whose handler waits until released, so a request is provably in flight. */
async function slowServer() {
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const pending: ServerResponse[] = [];
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    pending.push(res);
    entered();
  };
  const { server, port } = await listen(handler, '127.0.0.1', 0);
  return { server, url: httpUrl('127.0.0.1', port), inHandler, pending };
}

describe('closeGracefully', () => {
  it('waits for an in-flight request, then stops accepting', async () => {
    const s = await slowServer();
    const response = fetch(s.url).then(async (r) => [r.status, await r.text()]);
    await s.inHandler;
    let closed = false;
    const closing = closeGracefully(s.server, 10_000).then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    s.pending[0]?.end('done');
    const released = Date.now();
    await closing;
    // The client's now idle keep-alive connection must not hold the shutdown up.
    expect(Date.now() - released).toBeLessThan(1000);
    expect(await response).toEqual([200, 'done']);
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it('cuts connections still open after the timeout', async () => {
    const s = await slowServer();
    const response = fetch(s.url);
    await s.inHandler;
    await closeGracefully(s.server, 50);
    await expect(response).rejects.toThrow();
  });
});

describe('httpUrl', () => {
  it('brackets IPv6 literals', () => {
    expect(httpUrl('::1', 8080)).toBe('http://[::1]:8080');
    expect(httpUrl('127.0.0.1', 80)).toBe('http://127.0.0.1:80');
  });
});
