// End to end: the real `sigbox` command in a child process, as `npm start` runs it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:https';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolAvailable } from '@sigbox/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGBOX = ['--conditions=@sigbox/source', 'packages/cli/bin/sigbox.mjs'];
/** A first persistent PGlite start runs initdb: allow for a slow machine. */
const START_TIMEOUT_MS = 60_000;

function sigbox(args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; stderr: () => string; stdout: () => string } {
  // DATABASE_URL from the test environment must not switch the command off PGlite, nor vitest's pool size the server's.
  const { DATABASE_URL: _ignored, UV_THREADPOOL_SIZE: _pool, ...env } = process.env;
  const child = spawn(process.execPath, [...SIGBOX, ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

/** libuv's pool threads in a running process (Linux names them `libuv-worker`). */
async function poolThreads(pid: number): Promise<number> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const names = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/comm`, 'utf8').catch(() => '')));
  return names.filter((n) => n.trim() === 'libuv-worker').length;
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Resolves with the URL from the banner's `listening on` line; rejects if the process dies first. */
async function listeningUrl(run: ReturnType<typeof sigbox>): Promise<string> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const match = /listening on (https?:\/\/\S+)/.exec(run.stderr());
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) throw new Error(`sigbox exited ${run.child.exitCode}: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sigbox did not start: ${run.stderr()}`);
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

/** The signing config lists the box and its development issuer, starting no later than any key. */
function checkSigningConfig(files: Record<string, string>, url: string): void {
  type Service = { url: string; majorApiVersion: number; validFor: { start: string }; operator: string };
  const signing = JSON.parse(files['signing_config.v0.2.json'] ?? '') as Record<'caUrls' | 'oidcUrls' | 'rekorTlogUrls', Service[]>;
  expect(signing.caUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([[url, 1]]);
  expect(signing.rekorTlogUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([[url, 1]]);
  expect(signing.oidcUrls.map((s) => s.url)).toEqual([`${url}/oidc`]);
  const root = JSON.parse(files['trusted_root.json'] ?? '') as Record<'tlogs' | 'ctlogs', Array<{ publicKey: { validFor: { start: string } } }>>;
  const keyStarts = [...root.tlogs, ...root.ctlogs].map((t) => Date.parse(t.publicKey.validFor.start));
  for (const service of [...signing.caUrls, ...signing.oidcUrls, ...signing.rekorTlogUrls]) {
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
    const run = sigbox(['up', '--port', '0', '--data', data]);
    try {
      const url = await listeningUrl(run);
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
      run.child.kill('SIGTERM');
    }
    expect(await exitCode(run.child)).toBe(0);
    expect(run.stdout()).toContain('"msg":"stopped"');
  }, START_TIMEOUT_MS + 30_000);

  it('with --dev serves the development issuer it warns about, and keeps its keys and log across a restart', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-dev-'));
    dirs.push(parent);
    const data = path.join(parent, 'data');
    const first = sigbox(['up', '--dev', '--port', '0', '--data', data]);
    let before: { treeID: string; key: string; root: unknown; files: Record<string, string> };
    try {
      const url = await listeningUrl(first);
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
      first.child.kill('SIGTERM');
    }
    expect(await exitCode(first.child)).toBe(0);

    // Same port as before, so the trust root's URLs are comparable.
    const port = new URL((/listening on (http:\/\/\S+)/.exec(first.stderr()) ?? [])[1] ?? 'http://x:1').port;
    const second = sigbox(['up', '--dev', '--port', port, '--data', data]);
    try {
      const url = await listeningUrl(second);
      const info = (await (await fetch(`${url}/api/v1/log`)).json()) as { treeID: string };
      expect(info.treeID).toBe(before.treeID);
      expect(await (await fetch(`${url}/api/v1/log/publicKey`)).text()).toBe(before.key);
      expect(await (await fetch(`${url}/trusted_root.json`)).json()).toEqual(before.root);
      // Keys and every validFor.start were fixed at first start: the files are the same bytes.
      expect(await trustFiles(url, data)).toEqual(before.files);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await exitCode(second.child)).toBe(0);
  }, 2 * START_TIMEOUT_MS + 30_000);

  it.skipIf(!toolAvailable('openssl', 'a self-signed certificate for --tls-cert'))(
    'serves HTTPS with --tls-cert and --tls-key, names https in its URLs, and stops cleanly on SIGTERM',
    async () => {
      const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-tls-'));
      dirs.push(parent);
      const [cert, key] = [path.join(parent, 'tls.crt'), path.join(parent, 'tls.key')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
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
      const run = sigbox(['up', '--port', '0', '--data', path.join(parent, 'data'), '--tls-cert', cert, '--tls-key', key]);
      try {
        const url = await listeningUrl(run);
        expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(run.stderr()).toContain(`public URL     ${url}\n`);
        expect(JSON.parse(await get(`${url}/healthz`))).toEqual({ status: 'SERVING' });
        const signing = JSON.parse(await get(`${url}/signing_config.v0.2.json`)) as { caUrls: Array<{ url: string }> };
        expect(signing.caUrls.map((s) => s.url)).toEqual([url]);
      } finally {
        run.child.kill('SIGTERM');
      }
      expect(await exitCode(run.child)).toBe(0);
      expect(run.stdout()).toContain('"msg":"stopped"');
    },
    START_TIMEOUT_MS + 30_000,
  );

  it.skipIf(process.platform !== 'linux')('keeps an operator\'s UV_THREADPOOL_SIZE', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'sigbox-pool-'));
    dirs.push(parent);
    const run = sigbox(['up', '--port', '0', '--data', path.join(parent, 'data')], { UV_THREADPOOL_SIZE: '3' });
    try {
      await listeningUrl(run);
      expect(await poolThreads(run.child.pid as number)).toBe(3);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await exitCode(run.child)).toBe(0);
  }, START_TIMEOUT_MS + 30_000);

  it('refuses --tls-cert without --tls-key with exit code 2', async () => {
    const run = sigbox(['up', '--tls-cert', 'tls.crt']);
    expect(await exitCode(run.child)).toBe(2);
    expect(run.stderr()).toContain('--tls-cert and --tls-key must be given together');
  });

  it('refuses an unknown flag with exit code 2, naming it', async () => {
    const run = sigbox(['up', '--bogus']);
    expect(await exitCode(run.child)).toBe(2);
    expect(run.stderr()).toContain('unknown flag --bogus');
    expect(run.stderr()).toContain('Usage: sigbox up');
  });

  it('prints the help with exit code 0', async () => {
    const run = sigbox(['--help']);
    expect(await exitCode(run.child)).toBe(0);
    expect(run.stdout()).toContain('--database-url');
  });
});
