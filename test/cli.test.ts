// End to end: the real `sigbox` command in a child process, as `npm start` runs it.
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { SIGBOX_START_TIMEOUT_MS, createTlsCertificate, spawnSigbox, startSigbox, toolAvailable } from '@sigbox/testkit';
import { afterAll, describe, expect, it } from 'vitest';

/** libuv's pool threads in a running process (Linux names them `libuv-worker`). */
async function poolThreads(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const names = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/comm`, 'utf8').catch(() => '')));
  return names.filter((n) => n.trim() === 'libuv-worker').length;
}

/** The process's environment and command line as the kernel holds them (after the launcher's re-exec). */
async function processIdentity(pid: number): Promise<{ env: Map<string, string>; argv: string[] }> {
  const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  return { env: new Map(environ.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])), argv };
}

const TRUST_FILES = ['trusted_root.json', 'signing_config.v0.2.json', 'trust_config.json', 'fulcio_v1.crt.pem', 'rekor.pub', 'ctfe.pub'];

/**
 * Reads every trust file from the data folder and checks that both served paths answer with the same bytes and
 * the right content type; returns the files by name.
 */
async function trustFiles(url: string, data: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of TRUST_FILES) {
    const text = await readFile(path.join(data, name), 'utf8');
    for (const served of [`${url}/sigbox/v1/${name}`, `${url}/${name}`]) {
      const res = await fetch(served);
      expect(res.status, served).toBe(200);
      expect(res.headers.get('content-type'), served).toMatch(name.endsWith('.json') ? /^application\/json/ : /^application\/x-pem-file/);
      expect(await res.text(), served).toBe(text);
    }
    files[name] = text;
  }
  return files;
}

/**
 * The signing config lists the box (the Rekor v2 log first, the default `--signing-log v2`, then v1; its TSA) and its
 * development issuer, starting no later than any key.
 */
function checkSigningConfig(files: Record<string, string>, url: string): void {
  type Service = { url: string; majorApiVersion: number; validFor: { start: string }; operator: string };
  const signing = JSON.parse(files['signing_config.v0.2.json'] ?? '') as Record<'caUrls' | 'oidcUrls' | 'rekorTlogUrls' | 'tsaUrls', Service[]>;
  expect(signing.caUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([[url, 1]]);
  expect(signing.rekorTlogUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([[url, 2], [url, 1]]);
  expect(signing.tsaUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([[`${url}/api/v1/timestamp`, 1]]);
  expect(signing.oidcUrls.map((s) => s.url)).toEqual([`${url}/oidc`]);
  const root = JSON.parse(files['trusted_root.json'] ?? '') as Record<'tlogs' | 'ctlogs', Array<{ publicKey: { validFor: { start: string } } }>>;
  const keyStarts = [...root.tlogs, ...root.ctlogs].map((t) => Date.parse(t.publicKey.validFor.start));
  for (const service of [...signing.caUrls, ...signing.oidcUrls, ...signing.rekorTlogUrls, ...signing.tsaUrls]) {
    expect(service.operator).toBe('127.0.0.1');
    expect(Date.parse(service.validFor.start)).toBeLessThanOrEqual(Math.min(Date.now(), ...keyStarts));
  }
}

/** Runs the banner's `TOKEN=$(curl … | sed …)` line in a shell and returns the token's claims. */
function bannerToken(banner: string): Record<string, unknown> {
  const line = /^ {2}(TOKEN=\$\(curl .*)$/m.exec(banner)?.[1];
  expect(line).toBeDefined();
  const token = execFileSync('sh', ['-e', '-c', `${line}\nprintf %s "$TOKEN"`], { encoding: 'utf8' });
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('sigbox up', () => {
  it('serves health, metrics and the trusted root, then stops cleanly on SIGTERM', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-e2e-'));
    dirs.push(parent);
    const data = path.join(parent, 'data');
    // The default pool size is checked below: a UV_THREADPOOL_SIZE of the caller's must not set it.
    const run = await startSigbox({ dataDir: data, keepStdout: true, env: { UV_THREADPOOL_SIZE: undefined } });
    try {
      const url = run.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'SERVING' });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('sigbox_http_requests_total{method="GET",route="/healthz",status="200"} 1');
      const root = await (await fetch(`${url}/trusted_root.json`)).json();
      expect(root).toEqual(await (await fetch(`${url}/sigbox/v1/trusted_root.json`)).json());
      expect(JSON.parse(await readFile(path.join(data, 'trusted_root.json'), 'utf8'))).toEqual(root);
      const files = await trustFiles(url, data);
      const signing = JSON.parse(files['signing_config.v0.2.json'] ?? '') as { caUrls: Array<{ url: string }>; oidcUrls: unknown[] };
      expect(signing.caUrls.map((s) => s.url)).toEqual([url]);
      expect(signing.oidcUrls).toEqual([]);
      expect((await stat(data)).mode & 0o777).toBe(0o700);
      expect(run.stderr()).toContain('embedded PGlite');
      // The launcher sizes libuv's pool before tsx first uses it: one core left to the event loop.
      if (process.platform === 'linux') expect(await poolThreads(run.child.pid as number)).toBe(Math.min(4, Math.max(1, availableParallelism() - 1)));
      // stdout is JSON log lines only, and the health request was logged.
      const logs = run.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logs.some((l) => l.msg === 'request' && l.path === '/healthz')).toBe(true);
    } finally {
      await run.stop();
    }
    expect(await run.exited()).toBe(0);
    expect(run.stdout()).toContain('"msg":"stopped"');
  }, SIGBOX_START_TIMEOUT_MS + 30_000);

  it('with --dev serves the development issuer it warns about, and keeps its keys and log across a restart', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-dev-'));
    dirs.push(parent);
    const data = path.join(parent, 'data');
    const first = await startSigbox({ dataDir: data, args: ['--dev'] });
    let before: { treeID: string; key: string; root: unknown; files: Record<string, string> };
    try {
      const url = first.url;
      expect(first.stderr()).toContain(`WARNING: development OIDC issuer enabled at ${url}/oidc\n`);
      const discovery = (await (await fetch(`${url}/oidc/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(`${url}/oidc`);
      const token = (await (await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"dev@example.com"}' })).json()) as { id_token: string };
      const claims = JSON.parse(Buffer.from(token.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: `${url}/oidc`, aud: 'sigstore', email: 'dev@example.com', email_verified: true });
      const info = (await (await fetch(`${url}/api/v1/log`)).json()) as { treeID: string };
      before = {
        treeID: info.treeID,
        key: await (await fetch(`${url}/api/v1/log/publicKey`)).text(),
        root: await (await fetch(`${url}/trusted_root.json`)).json(),
        files: await trustFiles(url, data),
      };
      expect(before.files['rekor.pub']).toBe(before.key);
      checkSigningConfig(before.files, url);
      if (toolAvailable('curl', 'the banner token command')) expect(bannerToken(first.stderr())).toMatchObject({ iss: `${url}/oidc`, email: 'you@example.com' });
    } finally {
      await first.stop();
    }
    expect(await first.exited()).toBe(0);

    // Same port as before, so the trust root's URLs are comparable.
    const second = await startSigbox({ dataDir: data, port: Number(new URL(first.url).port), args: ['--dev'] });
    try {
      const url = second.url;
      expect(url).toBe(first.url);
      const info = (await (await fetch(`${url}/api/v1/log`)).json()) as { treeID: string };
      expect(info.treeID).toBe(before.treeID);
      expect(await (await fetch(`${url}/api/v1/log/publicKey`)).text()).toBe(before.key);
      expect(await (await fetch(`${url}/trusted_root.json`)).json()).toEqual(before.root);
      // Keys and every validFor.start were fixed at first start: the files are the same bytes.
      expect(await trustFiles(url, data)).toEqual(before.files);
    } finally {
      await second.stop();
    }
    expect(await second.exited()).toBe(0);
  }, 2 * SIGBOX_START_TIMEOUT_MS + 30_000);

  it.skipIf(!toolAvailable('openssl', 'a self-signed certificate for --tls-cert'))(
    'serves HTTPS with --tls-cert and --tls-key, names https in its URLs, and stops cleanly on SIGTERM',
    async () => {
      const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-tls-'));
      dirs.push(parent);
      const { cert, key } = createTlsCertificate(parent);
      const ca = await readFile(cert);
      // fetch cannot take a custom CA; node:https can.
      const get = (url: string) =>
        new Promise<string>((resolve, reject) => {
          request(url, { ca }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`))));
          }).on('error', reject).end();
        });
      const run = await startSigbox({ dataDir: path.join(parent, 'data'), args: ['--tls-cert', cert, '--tls-key', key], keepStdout: true });
      try {
        const url = run.url;
        expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(run.stderr()).toContain(`public URL     ${url}\n`);
        expect(JSON.parse(await get(`${url}/healthz`))).toEqual({ status: 'SERVING' });
        const signing = JSON.parse(await get(`${url}/signing_config.v0.2.json`)) as { caUrls: Array<{ url: string }> };
        expect(signing.caUrls.map((s) => s.url)).toEqual([url]);
      } finally {
        await run.stop();
      }
      expect(await run.exited()).toBe(0);
      expect(run.stdout()).toContain('"msg":"stopped"');
    },
    SIGBOX_START_TIMEOUT_MS + 30_000,
  );

  it.skipIf(process.platform !== 'linux')('runs with its memory settings (two malloc arenas, an 8 MiB young generation, a 50% heap growth step), and keeps an operator\'s own', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-memory-'));
    dirs.push(parent);
    const defaults = await startSigbox({ dataDir: path.join(parent, 'defaults'), env: { MALLOC_ARENA_MAX: undefined } });
    const own = await startSigbox({ dataDir: path.join(parent, 'own'), env: { MALLOC_ARENA_MAX: '4' }, nodeArgs: ['--max-semi-space-size=2', '--heap-growing-percent=20'] });
    try {
      const first = await processIdentity(defaults.child.pid as number);
      expect(first.env.get('MALLOC_ARENA_MAX')).toBe('2');
      expect(first.argv).toContain('--max-semi-space-size=8');
      expect(first.argv).toContain('--heap-growing-percent=50');
      // Re-executed in its own place: the process the caller started is the server (signals reach it).
      const up = first.argv.indexOf('up');
      expect(first.argv.slice(up - 1, up + 1)).toEqual([expect.stringContaining('packages/cli/bin/sigbox.mjs'), 'up']);
      const second = await processIdentity(own.child.pid as number);
      expect(second.env.get('MALLOC_ARENA_MAX')).toBe('4');
      expect(second.argv.filter((a) => a.startsWith('--max-semi-space-size'))).toEqual(['--max-semi-space-size=2']);
      expect(second.argv.filter((a) => a.startsWith('--heap-growing-percent'))).toEqual(['--heap-growing-percent=20']);
    } finally {
      await Promise.all([defaults.stop(), own.stop()]);
    }
    expect(await defaults.exited()).toBe(0);
  }, SIGBOX_START_TIMEOUT_MS + 30_000);

  it('runs from the build as npm start does (no TypeScript compiled at run time)', async () => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'ignore' });
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-build-'));
    dirs.push(parent);
    const run = await startSigbox({ dataDir: path.join(parent, 'data'), args: ['--dev'], fromBuild: true });
    try {
      expect((await fetch(`${run.url}/healthz`)).status).toBe(200);
      const argv = process.platform === 'linux' ? (await processIdentity(run.child.pid as number)).argv : [];
      expect(argv.join(' ')).not.toContain('@sigbox/source');
    } finally {
      await run.stop();
    }
    expect(await run.exited()).toBe(0);
  }, SIGBOX_START_TIMEOUT_MS + 60_000);

  it.skipIf(process.platform !== 'linux')('keeps an operator\'s UV_THREADPOOL_SIZE', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-pool-'));
    dirs.push(parent);
    const run = await startSigbox({ dataDir: path.join(parent, 'data'), env: { UV_THREADPOOL_SIZE: '3' } });
    try {
      expect(await poolThreads(run.child.pid as number)).toBe(3);
    } finally {
      await run.stop();
    }
    expect(await run.exited()).toBe(0);
  }, SIGBOX_START_TIMEOUT_MS + 30_000);

  it('refuses --tls-cert without --tls-key with exit code 2', async () => {
    const run = spawnSigbox(['up', '--tls-cert', 'tls.crt']);
    expect(await run.exited()).toBe(2);
    expect(run.stderr()).toContain('--tls-cert and --tls-key must be given together');
  });

  it('refuses an unknown flag with exit code 2, naming it', async () => {
    const run = spawnSigbox(['up', '--bogus']);
    expect(await run.exited()).toBe(2);
    expect(run.stderr()).toContain('unknown flag --bogus');
    expect(run.stderr()).toContain('Usage: sigbox up');
  });

  it('prints the help with exit code 0', async () => {
    const run = spawnSigbox(['--help'], { keepStdout: true });
    expect(await run.exited()).toBe(0);
    expect(run.stdout()).toContain('--database-url');
  });
});
