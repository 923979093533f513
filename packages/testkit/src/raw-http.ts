/**
 * HTTP/1.1 by hand over one TCP socket, for what no HTTP client does on purpose: a body sent a byte at a time,
 * headers that never end, a connection held open without a request. The limits tests drive a server with it.
 */
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';

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

/** The head of a POST that declares a body of `length` bytes, for {@link RawConnection.send}. */
export function postHead(path: string, length: number, contentType = 'application/json'): string {
  return `POST ${path} HTTP/1.1\r\nHost: sigbox\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`;
}
