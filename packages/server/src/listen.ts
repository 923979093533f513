import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts listening; resolves with the server and its actual port (`port: 0` picks a free one). */
export async function listen(handler: RequestListener, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  return { server, port: (server.address() as AddressInfo).port };
}

/** `http://host:port`, bracketing IPv6 literals (RFC 3986 §3.2.2). */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections and waits for in-flight requests; after `timeoutMs` the remaining connections are
 * cut. Idle keep-alive sockets are closed at once so they do not hold the shutdown up.
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
