import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import cluster from 'node:cluster';
import { type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer } from 'node:net';
import type { Logger } from 'pino';
import { markOverCap } from './pipeline/connection-cap.js';

/** PEM files for serving HTTPS directly (`--tls-cert`, `--tls-key`). */
export interface TlsFiles {
  /** The server certificate followed by any intermediates, leaf first (RFC 8446 §4.4.2). */
  readonly certFile: string;
  readonly keyFile: string;
  /** Decrypts an encrypted key file (the keyring's passphrase): the TLS key may be kept encrypted like the others. */
  readonly passphrase?: string | undefined;
}

async function readPem(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new Error(`cannot read ${flag} ${file}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Once a request's headers are in, its body must be in within this; past it the pipeline answers 408 in the API's
 * error format and closes the connection (`sigbox up --request-timeout`). As Fulcio's HTTP server's ReadTimeout
 * (sigstore/fulcio v1.8.8 cmd/app/http.go: 60 s; rekor-tiles v2.3.0 uses its `--server-timeout`, 20 s). Node's
 * own default is 300 s, which let one slow 4 MiB body hold a connection for minutes.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/**
 * A request's headers must be in within this after its first byte (Node's `headersTimeout`; a slowloris sends
 * them a byte at a time). rekor-tiles v2.3.0's ReadHeaderTimeout, its `--server-timeout` of 20 s (Fulcio v1.8.8:
 * 60 s); never more than the request timeout.
 */
export const HEADERS_TIMEOUT_MS = 20_000;
/**
 * An idle keep-alive connection is closed after this. Node's default, kept on purpose: shorter than Fulcio's
 * `--idle-connection-timeout` (30 s, v1.8.8) and rekor-tiles' 20 s, because an idle connection holds a place
 * under the connection cap, and clients' pools reconnect at the cost of one handshake.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/**
 * Connections served at once, per process (`sigbox up --max-connections`). Fulcio and rekor-tiles set no cap (Go's
 * http.Server has none), nor does Node by default; without one, many clients exhaust the process's file descriptors
 * and memory: an idle keep-alive connection costs ≈ 18 KiB of resident memory here (Node 24, measured with 4,096
 * of them: +70 MiB). 4,096 serves honest closed-loop clients up to that many per process (bench/log at 4,096
 * connections: 305 MiB resident, 256 MiB at 64) and stays within the file descriptors Node has: it raises the
 * soft RLIMIT_NOFILE to the hard limit at start (20,000 on the benchmark machine). Requests are admitted
 * separately (pipeline/admission.ts): a connection costs memory, not CPU, until its request is admitted.
 */
export const DEFAULT_MAX_CONNECTIONS = 4_096;
/**
 * Over the cap, up to this many times the cap, a connection is accepted and its first request answered 503 with
 * Retry-After and `Connection: close` in its API's error format (pipeline/connection-cap.ts): the client learns it
 * was refused on purpose and when to come back, instead of seeing a connection closed unanswered. Past that Node
 * closes further connections as it accepts them, unanswered: a flood must not take every file descriptor.
 */
export const OVER_CAP_FACTOR = 2;
/**
 * Sockets listening on the port in one process (SO_REUSEPORT), because libuv accepts one connection per socket per
 * wait for events (uv__server_io in src/unix/stream.c since libuv v1.45, commit 6c692ad1 "unix: don't accept()
 * connections in a loop"; v1.52.1 at 1cfa32ff is Node 24.21's). A process busy with requests waits for events only
 * between turns of ≈ 20 ms (pipeline/handler-turns.ts): with one socket it accepted one connection per turn,
 * and 1,500–3,200 of bench/log's 4,096 clients got no answer in its 12 s window; with 16, none (issue 18,
 * bench/log/README.md). Not in `--workers` processes, where the cluster's primary accepts for every worker.
 */
export const ACCEPTING_SOCKETS = 16;
/** The largest accept queue asked for (the kernel caps it at net.core.somaxconn anyway). */
const MAX_LISTEN_BACKLOG = 65_535;
/** How often Node checks the header and request timeouts (its default is 30 s, which would stretch them). */
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;
/** Refused connections log one warning per this interval, with the count, not one per connection. */
const DROP_WARNING_INTERVAL_MS = 10_000;

/** The HTTP server's limits on its clients; see the constants above for each default and its reason. */
export interface ConnectionLimits {
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = Object.freeze({
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
});

/**
 * Node's timeouts for `limits`. The body deadline is the pipeline's (it answers 408 in the owner's format);
 * Node's `requestTimeout`, counted from the request's first byte, is a backstop set past the latest moment that
 * deadline can fall (headers in at the last moment, plus the body's time, plus one check interval), so it only
 * cuts requests the pipeline is not reading, with a bare 408.
 */
function nodeTimeouts(limits: ConnectionLimits): ServerOptions {
  const headersTimeout = Math.min(HEADERS_TIMEOUT_MS, limits.requestTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: headersTimeout + limits.requestTimeoutMs + CONNECTIONS_CHECK_INTERVAL_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
  };
}

/** One warning line per interval while `event` happens, with how many times it did; not one line per connection. */
function warnEvery(logger: Logger, message: string, fields: Record<string, unknown>): () => void {
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  return () => {
    count += 1;
    if (timer !== undefined) return;
    logger.warn(fields, message);
    count = 0;
    timer = setTimeout(() => {
      timer = undefined;
      if (count > 0) logger.warn({ ...fields, count, seconds: DROP_WARNING_INTERVAL_MS / 1000 }, message);
    }, DROP_WARNING_INTERVAL_MS);
    timer.unref();
  };
}

/**
 * Counts open connections and marks those accepted over `maxConnections`, whose first request the pipeline then
 * answers 503 and closes. Counted on the socket requests arrive on: the TLS socket for HTTPS (its handshake done).
 */
function capConnections(server: Server, tls: boolean, maxConnections: number, logger: Logger | undefined): void {
  let open = 0;
  const warn = logger === undefined ? undefined : warnEvery(logger, 'connections over the connection cap (--max-connections) answered 503 and closed', { maxConnections });
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (open >= maxConnections) {
      markOverCap(socket);
      warn?.();
    }
    open += 1;
    socket.once('close', () => (open -= 1));
  });
}

/** node:https checks here, before listening, that the key parses and matches the certificate. */
async function createTlsServer(handler: RequestListener, tls: TlsFiles, options: ServerOptions): Promise<Server> {
  const [cert, key] = await Promise.all([readPem('--tls-cert', tls.certFile), readPem('--tls-key', tls.keyFile)]);
  try {
    return createHttpsServer({ ...options, cert, key, ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }) }, handler);
  } catch (cause) {
    throw new Error(`unusable --tls-cert/--tls-key pair: ${(cause as Error).message}`, { cause });
  }
}

export interface ListenOptions {
  /** Serve HTTPS with these files; plain HTTP without. */
  readonly tls?: TlsFiles | undefined;
  readonly limits?: ConnectionLimits;
  /** Where refused connections are reported. */
  readonly logger?: Logger;
}

/**
 * Starts listening, over HTTPS when `tls` is given, with `limits` (default {@link DEFAULT_CONNECTION_LIMITS});
 * resolves with the server and its actual port (`port: 0` picks a free one).
 */
export async function listen(handler: RequestListener, host: string, port: number, options: ListenOptions = {}): Promise<{ server: Server; port: number }> {
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  const timeouts = nodeTimeouts(limits);
  const server = options.tls === undefined ? createServer(timeouts, handler) : await createTlsServer(handler, options.tls, timeouts);
  capConnections(server, options.tls !== undefined, limits.maxConnections, options.logger);
  server.maxConnections = limits.maxConnections * OVER_CAP_FACTOR;
  // Under `--workers` (cluster), a worker at its cap would otherwise hand the connection back to the primary, which
  // hands it straight on again while every worker is full; dropped here, it is dropped as in a single process.
  // (Node's `server.dropMaxConnection`, cluster mode only; not yet in @types/node.)
  (server as Server & { dropMaxConnection: boolean }).dropMaxConnection = true;
  if (options.logger !== undefined) {
    server.on('drop', warnEvery(options.logger, 'connections refused unanswered: twice the connection cap is reached (--max-connections)', { maxConnections: limits.maxConnections }));
  }
  // The kernel's accept queue holds a burst of connects up to the cap (Node's default, 511, drops the rest's SYNs:
  // those clients retry after 1 s, 3 s, 7 s…); Linux caps it at net.core.somaxconn (4,096 since 5.4).
  const backlog = Math.min(limits.maxConnections, MAX_LISTEN_BACKLOG);
  const acceptors = cluster.isWorker || process.platform !== 'linux' ? 1 : ACCEPTING_SOCKETS;
  // Sockets that share a port with SO_REUSEPORT would also share it with another process that does (a second
  // `sigbox up` by mistake): a plain socket bound first says the port is taken, as without the sharing.
  if (acceptors > 1 && port !== 0) await closeListeners(await bound(createNetServer().listen({ port, host })));
  server.listen({ port, host, backlog, ...(acceptors > 1 ? { reusePort: true } : {}) });
  await bound(server);
  const actualPort = (server.address() as AddressInfo).port;
  try {
    await addAcceptors(server, host, actualPort, backlog, acceptors - 1, limits.maxConnections * OVER_CAP_FACTOR);
  } catch (err) {
    await closeListeners(server).catch(() => undefined);
    throw err;
  }
  return { server, port: actualPort };
}

/** `server` once it listens; rejects with its error (EADDRINUSE…). */
async function bound<S extends NetServer>(server: S): Promise<S> {
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
  return server;
}

/**
 * `count` more sockets listening on the server's port (SO_REUSEPORT: the kernel spreads new connections over them),
 * each handing what it accepts to `server` as its own. Past `dropAt` connections in all, each refuses further ones
 * at accept as Node's `maxConnections` does for one socket: its limit is kept at what it holds plus the room left.
 */
async function addAcceptors(server: Server, host: string, port: number, backlog: number, count: number, dropAt: number): Promise<void> {
  const acceptors: NetServer[] = [];
  acceptorsOf.set(server, acceptors);
  if (count === 0) return;
  const held = new Map<NetServer, number>([[server, 0]]);
  // Which socket accepted a connection handed over (node:http re-points `socket.server` at itself).
  const acceptedBy = new WeakMap<Socket, NetServer>();
  let open = 0;
  const limit = () => {
    for (const [listener, own] of held) listener.maxConnections = own + Math.max(dropAt - open, 0);
  };
  // Every connection reaches the server's own event, whichever socket accepted it.
  server.on('connection', (socket: Socket) => {
    const owner = acceptedBy.get(socket) ?? server;
    open += 1;
    held.set(owner, (held.get(owner) ?? 0) + 1);
    limit();
    socket.once('close', () => {
      open -= 1;
      held.set(owner, (held.get(owner) ?? 1) - 1);
      limit();
    });
  });
  for (let i = 0; i < count; i++) {
    const acceptor = createNetServer((socket) => {
      acceptedBy.set(socket, acceptor);
      server.emit('connection', socket);
    });
    acceptor.on('drop', (data) => server.emit('drop', data));
    acceptors.push(acceptor);
    held.set(acceptor, 0);
    acceptor.listen({ port, host, backlog, reusePort: true });
    await bound(acceptor);
  }
  limit();
}

/** The extra accepting sockets of a server from {@link listen}; closed with it by {@link closeGracefully}. */
const acceptorsOf = new WeakMap<NetServer, NetServer[]>();

/** Stops every socket of `server` accepting; resolves once the connections each accepted are closed. */
function closeListeners(server: NetServer): Promise<unknown> {
  const all: NetServer[] = [server, ...(acceptorsOf.get(server) ?? [])];
  return Promise.all(all.map((s) => new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())))));
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
  const closed = closeListeners(server);
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
