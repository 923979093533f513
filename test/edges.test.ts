// The edges of the real `sigbox up` in a child process: --dev refused in a production-shaped start unless loudly
// overridden, the request timeout and the connection cap as its flags set them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIGBOX_START_TIMEOUT_MS, type RawConnection, openAcceptedConnection, openRawConnection, postHead, spawnSigbox, startSigbox } from '@sigbox/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-edges-'));
  dirs.push(parent);
  return path.join(parent, 'data');
}

/** pino's number for `warn`. */
const WARN = 40;
const FOUR_MIB = 4 * 1024 * 1024;

/** A POST of 4 MiB declared and sent a byte at a time; resolves with what the server answered before closing. */
async function slowPost(url: string, pathname: string): Promise<string> {
  const client = await openRawConnection(url);
  client.send(postHead(pathname, FOUR_MIB));
  client.dribble();
  return client.closed;
}

const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: sigbox\r\n\r\n';

/**
 * A kept-alive connection the server has answered, so it counts it. Tried again while the cap is still taken by
 * connections closing on the server's side.
 */
async function heldConnection(url: string): Promise<RawConnection> {
  for (;;) {
    const client = await openRawConnection(url);
    client.send(HEALTH);
    // Answered 200: held. Answered 503 (over the cap) or closed: that connection is on its way out; try again.
    const answered = await Promise.race([client.closed.then(() => false), new Promise<boolean>((r) => client.socket.once('data', (chunk) => r(String(chunk).startsWith('HTTP/1.1 200'))))]);
    if (answered) return client;
    client.destroy();
  }
}

describe('sigbox up --dev', () => {
  it('refuses a production-shaped start in one line naming the override, with exit code 2', async () => {
    const run = spawnSigbox(['up', '--dev', '--host', '0.0.0.0', '--port', '0', '--data', await dataDir()]);
    expect(await run.exited()).toBe(2);
    expect(run.stderr()).toMatch(/^sigbox: --dev with --host 0\.0\.0\.0 would let anyone .* add --unsafe-dev-in-production to run it anyway\n$/);
  });
});

describe('sigbox up: the override, the request timeout and the connection cap', () => {
  it(
    'warns in the JSON log, answers a slow body 408 in each API’s dialect, and holds the cap',
    async () => {
      const sigbox = await startSigbox({
        dataDir: await dataDir(),
        host: '127.0.0.1',
        args: ['--dev', '--unsafe-dev-in-production', '--public-url', 'https://sigstore.example.internal', '--request-timeout', '1', '--max-connections', '3'],
        keepStdout: true,
      });
      const held: RawConnection[] = [];
      try {
        const logs = () => sigbox.stdout().trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
        const warnings = logs().filter((l) => l.level === WARN).map((l) => l.msg);
        expect(warnings).toEqual(
          expect.arrayContaining([
            expect.stringContaining('development OIDC issuer enabled'),
            expect.stringMatching(/^--dev runs with --public-url https:\/\/sigstore\.example\.internal \(--unsafe-dev-in-production\): anyone who reaches/),
          ]),
        );
        expect(sigbox.stderr()).toContain('WARNING: --dev runs with --public-url https://sigstore.example.internal (--unsafe-dev-in-production)');

        // One second for the body, then the owner's error format, and the connection closed.
        const [rekor, fulcio, ct] = await Promise.all([
          slowPost(sigbox.url, '/api/v1/log/entries'),
          slowPost(sigbox.url, '/api/v2/signingCert'),
          slowPost(sigbox.url, '/ct/v1/add-chain'),
        ]);
        expect(rekor).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n[^]*\r\n\r\n\{"code":408,"message":"Request Timeout"\}$/);
        expect(fulcio).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n[^]*\r\n\r\n\{"code":4,"message":"Request Timeout","details":\[\]\}$/);
        expect(ct).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n[^]*\r\n\r\nRequest Timeout\n$/);

        // Three connections held (each has had an answer, so the server has counted it): a fourth is answered 503 +
        // Retry-After in the owner's format and closed; past twice the cap a connection is closed unanswered.
        for (let i = 0; i < 3; i += 1) held.push(await heldConnection(sigbox.url));
        const over = await openRawConnection(sigbox.url);
        over.send(HEALTH);
        const answer = await over.closed;
        expect(answer).toMatch(/^HTTP\/1.1 503 Service Unavailable\r\n/);
        expect(answer).toMatch(/\r\nretry-after: 1\r\n/i);
        expect(answer).toMatch(/\r\n\r\n\{"code":503,"message":"Service Unavailable"\}$/);
        // Each opened once the one before is accepted: the server's sockets take connections from their own queues.
        for (let i = 0; i < 3; i += 1) held.push(await openAcceptedConnection(sigbox.url));
        const refused = await openAcceptedConnection(sigbox.url);
        refused.send(HEALTH);
        expect(await refused.closed).toBe('');
        await expect.poll(() => logs().some((l) => l.level === WARN && l.msg.includes('--max-connections'))).toBe(true);
      } finally {
        for (const client of held) client.destroy();
        await sigbox.stop();
      }
      expect(await sigbox.exited()).toBe(0);
    },
    SIGBOX_START_TIMEOUT_MS + 30_000,
  );
});
