/**
 * HTTP/1.1 by hand over one TCP socket, for what no HTTP client does on purpose: a body sent a byte at a time,
 * headers that never end, a connection held open without a request. The limits tests drive a server with it.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a slow sender sends its next byte. */
const DRIBBLE_INTERVAL_MS = 100;

/** One client connection and what came back on it. */
export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server has sent so far, as text. */
  received(): string;
  /** Resolves once the server has closed the connection (or reset it), with everything it sent. */
  readonly closed: Promise<string>;
  /** Sends `text` as it is. */
  send(text: string): void;
  /**
   * Sends one byte of the body every 100 ms until the server closes the connection or `stop()` is called: a
   * client far slower than any deadline.
   */
  dribble(): { stop(): void };
  /** Closes the client's side at once. */
  destroy(): void;
}

/** Connects to `url`'s host and port; resolves once connected. */
export async function openRawConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname.replace(/^\[(.*)\]$/, '$1'));
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  // A reset (ECONNRESET) closes it as surely as a FIN; either way the test reads what arrived.
  socket.on('error', () => undefined);
  // Not events.once: it would reject on that 'error'.
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  await once(socket, 'connect');
  return {
    socket,
    received: () => text,
    closed,
    send: (chunk) => void socket.write(chunk),
    dribble: () => {
      const timer = setInterval(() => {
        if (socket.destroyed || !socket.writable) clearInterval(timer);
        else socket.write('x');
      }, DRIBBLE_INTERVAL_MS);
      void closed.then(() => clearInterval(timer));
      return { stop: () => clearInterval(timer) };
    },
    destroy: () => socket.destroy(),
  };
}

/** How often {@link openAcceptedConnection} looks at the accept queues again. */
const ACCEPT_POLL_MS = 5;

/**
 * The sockets listening on 127.0.0.1:`port`: each one's connections waiting, connected, in its accept queue (its
 * rx_queue in /proc/net/tcp: `sl local rem st tx:rx …`, state 0A). Empty where there is no such table.
 */
export function listeningSocketQueues(port: number): number[] {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return [];
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === '0A')
    .map((fields) => Number.parseInt(fields[4]?.split(':')[1] ?? '0', 16));
}

/**
 * {@link openRawConnection}, resolving once the server has accepted it, i.e. once nothing waits in the accept
 * queues of its port on 127.0.0.1. A server listening with several sockets (SO_REUSEPORT) takes connections from
 * each socket's own queue, so connections opened one after the other may be accepted in another order: tests of
 * what happens to the n-th connection open each with this.
 */
export async function openAcceptedConnection(url: string): Promise<RawConnection> {
  const connection = await openRawConnection(url);
  const port = Number(new URL(url).port);
  while (listeningSocketQueues(port).some((waiting) => waiting > 0)) await sleep(ACCEPT_POLL_MS);
  return connection;
}

/** The head of a POST that declares a body of `length` bytes, for {@link RawConnection.send}. */
export function postHead(path: string, length: number, contentType = 'application/json'): string {
  return `POST ${path} HTTP/1.1\r\nHost: sigbox\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`;
}
