import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** PEM files for serving HTTPS directly (`--tls-cert`, `--tls-key`). */
export interface TlsFiles {
  /** The server certificate followed by any intermediates, leaf first (RFC 8446 §4.4.2). */
  readonly certFile: string;
  readonly keyFile: string;
}

async function readPem(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new Error(`cannot read ${flag} ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** node:https checks here, before listening, that the key parses and matches the certificate. */
async function createTlsServer(handler: RequestListener, tls: TlsFiles): Promise<Server> {
  const [cert, key] = await Promise.all([readPem('--tls-cert', tls.certFile), readPem('--tls-key', tls.keyFile)]);
  try {
    return createHttpsServer({ cert, key }, handler);
  } catch (cause) {
    throw new Error(`unusable --tls-cert/--tls-key pair: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Starts listening, over HTTPS when `tls` is given; resolves with the server and its actual port (`port: 0` picks
 * a free one).
 */
export async function listen(
  handler: RequestListener,
  host: string,
  port: number,
  tls?: TlsFiles,
): Promise<{ server: Server; port: number }> {
  const server = tls === undefined ? createServer(handler) : await createTlsServer(handler, tls);
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  return { server, port: (server.address() as AddressInfo).port };
}

/** `http://host:port`, or `https://` when `tls`; bracketing IPv6 literals (RFC 3986 §3.2.2). */
export function httpUrl(host: string, port: number, tls = false): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections and waits for in-flight requests; after `timeoutMs` the remaining connections are
 * cut. Idle keep-alive sockets are closed at once so they do not hold the shutdown up. Works alike for HTTPS
 * (node:https tracks its connections the same way).
 */
export async function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  server.closeIdleConnections();
  // A keep-alive connection whose last request just finished would otherwise hold close() for the client's
  // keep-alive period (seconds); sweep idle ones until done.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  sweep.unref();
  timer.unref();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(timer);
  }
}
