/**
 * A TCP proxy in the test process between Sigbox and its database, which the test can make misbehave the way a
 * network does: forward, partition (stop forwarding in both directions and hold every socket open, new ones
 * included, so the peers see silence rather than an error), heal (forward what was held, as a network that comes
 * back delivers what TCP retransmits), and reset (RST on every connection).
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  partition(): void;
  heal(): void;
  reset(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
}

export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let partitioned = false;
  let accepted = 0;

  // Unpiped, not only paused: a pipe resumes its source whenever the destination drains.
  const hold = (pair: Pair) => {
    pair.client.unpipe(pair.server).pause();
    pair.server.unpipe(pair.client).pause();
  };
  const forward = (pair: Pair) => {
    pair.client.pipe(pair.server);
    pair.server.pipe(pair.client);
  };

  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target.port, target.host);
    const pair = { client, server: upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A peer's error or close ends its partner too, as the kernel would tell it.
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    if (partitioned) hold(pair);
    else forward(pair);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return accepted;
    },
    partition() {
      partitioned = true;
      for (const pair of pairs) hold(pair);
    },
    heal() {
      partitioned = false;
      for (const pair of pairs) forward(pair);
    },
    reset() {
      for (const pair of [...pairs]) {
        pair.client.resetAndDestroy();
        pair.server.resetAndDestroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of [...pairs]) {
          pair.client.destroy();
          pair.server.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
