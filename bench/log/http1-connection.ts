/**
 * A minimal HTTP/1.1 keep-alive client connection for the load generator: one request at a time, the
 * request written as one buffer, the answer framed by Content-Length or chunked encoding. node:http's client
 * costs ≈ 60–100 µs of CPU per request here — at 10,000 requests/s most of a core the server under test
 * would otherwise have; this costs a fraction of that. Only what a benchmark needs: no redirects, no
 * trailers, no 1xx, no upgrade.
 */
import net from 'node:net';

export interface Http1Answer {
  status: number;
  body: Buffer;
  /** Seconds from a `Retry-After: <delay-seconds>` header (RFC 9110 §10.2.3); undefined without one or for a date. */
  retryAfterSeconds?: number | undefined;
}

/** The error a request fails with when no byte of its answer came for the connection's timeout. */
export class RequestTimeoutError extends Error {
  constructor() {
    super('request timed out');
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNK_LINE_END = Buffer.from('\r\n');

interface Pending {
  resolve(answer: Http1Answer): void;
  reject(error: Error): void;
}

export class Http1Connection {
  private readonly socket: net.Socket;
  private readonly ready: Promise<void>;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly host: string,
    port: number,
    /** An answer that takes longer than this fails the request and the connection. */
    timeoutMs: number,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    // Socket inactivity, not a timer per request: a pending answer with no bytes for this long has hung.
    this.socket.setTimeout(timeoutMs, () => this.socket.destroy(new RequestTimeoutError()));
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  async request(method: string, path: string, body?: Buffer, contentType = 'application/json'): Promise<Http1Answer> {
    await this.ready;
    if (this.failure) throw this.failure;
    if (this.pending) throw new Error('one request at a time on a connection');
    const head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}\r\n` + (body ? `content-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n` : '\r\n');
    const answer = new Promise<Http1Answer>((resolve, reject) => (this.pending = { resolve, reject }));
    this.socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head, 'latin1');
    return answer;
  }

  /** False once the socket failed or closed (e.g. the server closed an idle or shed connection): open a new one. */
  get usable(): boolean {
    return this.failure === undefined;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let answer: ReturnType<typeof parseAnswer>;
    try {
      answer = parseAnswer(this.buffered);
    } catch (error) {
      this.socket.destroy(error as Error); // an answer this client cannot frame fails its request, not the generator
      return;
    }
    if (!answer || !this.pending) return;
    this.buffered = this.buffered.subarray(answer.consumed);
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve({ status: answer.status, body: answer.body, retryAfterSeconds: answer.retryAfterSeconds });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

/** One complete answer at the start of `data`, or undefined while it is still arriving. */
export function parseAnswer(data: Buffer): (Http1Answer & { consumed: number }) | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const retryAfter = status === 503 || status === 429 ? /\r\nretry-after:\s*(\d+)\s*(?:\r\n|$)/i.exec(head) : null;
  const answer = parseBody(data, head, status, headerEnd + HEADER_END.length);
  return answer && retryAfter ? { ...answer, retryAfterSeconds: Number(retryAfter[1]) } : answer;
}

function parseBody(data: Buffer, head: string, status: number, bodyStart: number): (Http1Answer & { consumed: number }) | undefined {
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return data.length < end ? undefined : { status, body: data.subarray(bodyStart, end), consumed: end };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return parseChunked(data, status, bodyStart);
  if (status === 204 || status === 304) return { status, body: Buffer.alloc(0), consumed: bodyStart };
  // Neither: the body runs to the connection's close (RFC 9112 §6.3), as in Node's own bare 408 ("Connection:
  // close", no body). Taken as what has arrived; the server closes the connection and the next request opens another.
  if (/\r\nconnection:\s*close/i.test(head)) return { status, body: data.subarray(bodyStart), consumed: data.length };
  throw new Error(`answer ${status} has neither content-length nor chunked encoding`);
}

function parseChunked(data: Buffer, status: number, from: number): (Http1Answer & { consumed: number }) | undefined {
  const chunks: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = data.indexOf(CHUNK_LINE_END, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    const start = lineEnd + 2;
    if (size === 0) {
      const end = start + 2; // no trailers: the last chunk is followed by an empty line
      return data.length < end ? undefined : { status, body: Buffer.concat(chunks), consumed: end };
    }
    if (data.length < start + size + 2) return undefined;
    chunks.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
