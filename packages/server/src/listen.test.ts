import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listeningSocketQueues, openAcceptedConnection, openRawConnection, toolAvailable } from '@sigbox/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { captureLogger } from './__fixtures__/capture-logger.js';
import { createApp } from './app.js';
import { ACCEPTING_SOCKETS, closeGracefully, httpUrl, listen } from './listen.js';

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

describe('listen: connection limits', () => {
  const hello = (_req: IncomingMessage, res: ServerResponse) => res.end('hello');
  const GET = 'GET / HTTP/1.1\r\nHost: sigbox\r\n\r\n';

  it('answers connections over the cap 503 + Retry-After + Connection: close in the API format, and drops them past twice the cap', async () => {
    const log = captureLogger();
    // The real pipeline: the over-cap answer is its error answer, in the owning API's format (Sigbox's own here).
    const app = createApp({ logger: log.logger });
    const { server, port } = await listen(app, '127.0.0.1', 0, { limits: { requestTimeoutMs: 30_000, maxConnections: 2 }, logger: log.logger });
    const url = httpUrl('127.0.0.1', port);
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: sigbox\r\n\r\n';
    const open = [await openRawConnection(url), await openRawConnection(url)];
    try {
      // Both answered on a kept-alive connection: the server has counted them.
      for (const client of open) {
        client.send(healthz);
        await expect.poll(() => client.received()).toMatch(/^HTTP\/1.1 200 OK\r\n[^]*\r\n\r\n\{"status":"SERVING"\}$/);
      }
      // Two more (up to twice the cap) are accepted and held; a fifth is closed as it is accepted, unanswered. Each
      // is opened once the one before is accepted: the port's sockets take connections from their own queues.
      const over = [await openAcceptedConnection(url), await openAcceptedConnection(url)];
      const dropped = await openAcceptedConnection(url);
      dropped.send(healthz);
      expect(await dropped.closed).toBe('');
      for (const client of over) {
        client.send(healthz);
        const answer = await client.closed;
        expect(answer).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
        expect(answer).toMatch(/\r\nretry-after: 1\r\n/i);
        expect(answer).toMatch(/\r\nconnection: close\r\n/i);
        expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe('{"code":503,"message":"Service Unavailable"}');
      }
      // Each kind of refusal warned about once, with the cap.
      const warnings = log.lines().filter((l) => l.level === 40);
      expect(warnings).toEqual([
        expect.objectContaining({ maxConnections: 2, msg: expect.stringContaining('answered 503') }),
        expect.objectContaining({ maxConnections: 2, msg: expect.stringContaining('refused unanswered') }),
      ]);
      // Refusals on purpose are request lines, not error reports.
      expect(log.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
      // A place freed is a place taken again.
      open.pop()?.destroy();
      await expect
        .poll(async () => {
          const next = await openRawConnection(url);
          next.send('GET /healthz HTTP/1.1\r\nHost: sigbox\r\nConnection: close\r\n\r\n');
          return next.closed;
        })
        .toMatch(/^HTTP\/1.1 200 OK\r\n/);
    } finally {
      for (const client of open) client.destroy();
      await closeGracefully(server, 100);
    }
  });

  it('closes a connection whose headers do not arrive within the timeout, with Node’s bare 408', async () => {
    const { server, port } = await listen(hello, '127.0.0.1', 0, { limits: { requestTimeoutMs: 500, maxConnections: 10 } });
    try {
      const client = await openRawConnection(httpUrl('127.0.0.1', port));
      client.send('POST / HTTP/1.1\r\nHost: sigbox\r\n');
      expect(await client.closed).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
    } finally {
      await closeGracefully(server, 100);
    }
  });
});

const listeningSockets = (port: number): number => listeningSocketQueues(port).length;

describe('listen: accepting sockets', () => {
  it.runIf(process.platform === 'linux')('accepts on several sockets sharing the port, serves what each accepts, and closes them all', async () => {
    const s = await slowServer();
    const port = Number(new URL(s.url).port);
    expect(listeningSockets(port)).toBe(ACCEPTING_SOCKETS);
    // Enough connections that the kernel hands some to every socket; each is served as the server's own.
    const answers = Promise.all(Array.from({ length: 64 }, () => fetch(s.url, { headers: { connection: 'close' } }).then((r) => r.text())));
    await expect.poll(() => s.pending.length).toBe(64);
    for (const res of s.pending) res.end('served');
    expect(await answers).toEqual(Array(64).fill('served'));
    await closeGracefully(s.server, 1_000);
    expect(listeningSockets(port)).toBe(0);
  });

  it.runIf(process.platform === 'linux')('refuses a port already listened on, as without shared sockets (a second `sigbox up`)', async () => {
    const first = await listen(hello, '127.0.0.1', 0);
    try {
      await expect(listen(hello, '127.0.0.1', first.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(listeningSockets(first.port)).toBe(ACCEPTING_SOCKETS);
    } finally {
      await closeGracefully(first.server, 100);
    }
  });
});

const hello = (_req: IncomingMessage, res: ServerResponse) => res.end('hello');

describe('httpUrl', () => {
  it('brackets IPv6 literals', () => {
    expect(httpUrl('::1', 8080)).toBe('http://[::1]:8080');
    expect(httpUrl('127.0.0.1', 80)).toBe('http://127.0.0.1:80');
  });

  it('names https when serving TLS', () => {
    expect(httpUrl('::1', 8443, true)).toBe('https://[::1]:8443');
    expect(httpUrl('sigstore.internal', 443, true)).toBe('https://sigstore.internal:443');
  });
});

const HAS_OPENSSL = toolAvailable('openssl', 'a self-signed certificate for the HTTPS listener');
const tmp = HAS_OPENSSL ? mkdtempSync(path.join(tmpdir(), 'sigbox-tls-')) : '';
afterAll(() => (tmp === '' ? undefined : rmSync(tmp, { recursive: true, force: true })));

/** A self-signed P-256 certificate for 127.0.0.1 in `<tmp>/<name>.{crt,key}`. */
function selfSigned(name: string): { certFile: string; keyFile: string } {
  const certFile = path.join(tmp, `${name}.crt`);
  const keyFile = path.join(tmp, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { certFile, keyFile };
}

/** GET over HTTPS trusting only `ca` (fetch cannot take a custom CA). */
function httpsGet(url: string, ca: Buffer, agent?: Agent): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...(agent ? { agent } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve([res.statusCode ?? 0, body]));
    });
    req.on('error', reject).end();
  });
}

describe.skipIf(!HAS_OPENSSL)('listen with TLS', () => {
  const hello = (_req: IncomingMessage, res: ServerResponse) => res.end('hello');

  it('serves HTTPS with the given certificate and shuts down gracefully with a keep-alive client', async () => {
    const tls = selfSigned('good');
    const { server, port } = await listen(hello, '127.0.0.1', 0, { tls });
    const url = httpUrl('127.0.0.1', port, true);
    const ca = readFileSync(tls.certFile);
    const agent = new Agent({ keepAlive: true });
    try {
      expect(await httpsGet(`${url}/`, ca, agent)).toEqual([200, 'hello']);
      // Plain HTTP to the TLS port is not served.
      await expect(fetch(httpUrl('127.0.0.1', port))).rejects.toThrow();
      const started = Date.now();
      await closeGracefully(server, 10_000);
      expect(Date.now() - started).toBeLessThan(1000);
      await expect(httpsGet(`${url}/`, ca)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it('serves with a key file encrypted with the keyring passphrase, and refuses it without the passphrase', async () => {
    const plain = selfSigned('encrypted');
    const keyFile = path.join(tmp, 'encrypted.enc.key');
    writeFileSync(keyFile, createPrivateKey(readFileSync(plain.keyFile)).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
    const { server, port } = await listen(hello, '127.0.0.1', 0, { tls: { certFile: plain.certFile, keyFile, passphrase: 'pw' } });
    try {
      expect(await httpsGet(`${httpUrl('127.0.0.1', port, true)}/`, readFileSync(plain.certFile))).toEqual([200, 'hello']);
    } finally {
      await closeGracefully(server, 1000);
    }
    await expect(listen(hello, '127.0.0.1', 0, { tls: { certFile: plain.certFile, keyFile, passphrase: 'wrong' } })).rejects.toThrow(/unusable --tls-cert\/--tls-key pair/);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const { server, port } = await listen(hello, '127.0.0.1', 0, { tls: selfSigned('untrusted') });
    try {
      const other = readFileSync(selfSigned('other').certFile);
      await expect(httpsGet(`${httpUrl('127.0.0.1', port, true)}/`, other)).rejects.toThrow(/self-signed|certificate/);
    } finally {
      await closeGracefully(server, 100);
    }
  });

  it('names a missing file and refuses a key that does not match the certificate', async () => {
    const a = selfSigned('a');
    const b = selfSigned('b');
    await expect(listen(hello, '127.0.0.1', 0, { tls: { certFile: a.certFile, keyFile: path.join(tmp, 'none.key') } })).rejects.toThrow(
      /^cannot read --tls-key .*none\.key/,
    );
    await expect(listen(hello, '127.0.0.1', 0, { tls: { certFile: a.certFile, keyFile: b.keyFile } })).rejects.toThrow(/unusable --tls-cert\/--tls-key pair/);
    writeFileSync(path.join(tmp, 'junk.pem'), 'not PEM');
    await expect(listen(hello, '127.0.0.1', 0, { tls: { certFile: path.join(tmp, 'junk.pem'), keyFile: a.keyFile } })).rejects.toThrow(/unusable/);
  });
});
