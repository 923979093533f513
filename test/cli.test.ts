// End to end: the real `sigbox` command in a child process, as `npm start` runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIGBOX = ['--import', 'tsx', '--conditions=@sigbox/source', 'packages/cli/src/main.ts'];
/** A first persistent PGlite start runs initdb: allow for a slow machine. */
const START_TIMEOUT_MS = 60_000;

function sigbox(args: string[]): { child: ChildProcess; stderr: () => string; stdout: () => string } {
  // DATABASE_URL from the test environment must not switch the command off PGlite.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [...SIGBOX, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
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
    const match = /listening on (http:\/\/\S+)/.exec(run.stderr());
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) throw new Error(`sigbox exited ${run.child.exitCode}: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sigbox did not start: ${run.stderr()}`);
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
      expect((await stat(data)).mode & 0o777).toBe(0o700);
      expect(run.stderr()).toContain('embedded PGlite');
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
    let before: { treeID: string; key: string; root: unknown };
    try {
      const url = await listeningUrl(first);
      expect(first.stderr()).toContain(`WARNING: development OIDC issuer enabled at ${url}/oidc\n`);
      const discovery = (await (await fetch(`${url}/oidc/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(`${url}/oidc`);
      const token = (await (await fetch(`${url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"dev@example.com"}' })).json()) as { id_token: string };
      const claims = JSON.parse(Buffer.from(token.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: `${url}/oidc`, aud: 'sigstore', email: 'dev@example.com', email_verified: true });
      const info = (await (await fetch(`${url}/api/v1/log`)).json()) as { treeID: string };
      before = { treeID: info.treeID, key: await (await fetch(`${url}/api/v1/log/publicKey`)).text(), root: await (await fetch(`${url}/trusted_root.json`)).json() };
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
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await exitCode(second.child)).toBe(0);
  }, 2 * START_TIMEOUT_MS + 30_000);

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
