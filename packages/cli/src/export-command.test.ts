import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, createLogger, startServer } from '@sigbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from './run.js';

const POLICY = `apiVersion: policy.sigbox.dev/v1alpha1
kind: AcceptedIdentities
rules:
  - name: dev
    selector: { issuer: { pattern: "http://127\\\\.0\\\\.0\\\\.1:\\\\d+/oidc" }, subject: dev@example.com }
    scope: { images: registry.example/app }
`;

/**
 * `sigbox export` against a real `--dev` box started in process (PGlite): the trust material is fetched from its
 * URL, and read from the trusted_root.json file it wrote, and both give the same bytes.
 */
describe('sigbox export', () => {
  let dir: string;
  let server: RunningServer;
  let policyFile: string;
  const silent = createLogger({ level: 'warn', stream: new Writable({ write: (_c, _e, done) => done() }) });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-export-cli-'));
    server = await startServer(
      { host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'), databaseUrl: undefined, publicUrl: undefined, dev: true, fulcioConfig: undefined },
      { logger: silent },
    );
    policyFile = path.join(dir, 'policy.yaml');
    await writeFile(policyFile, POLICY);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const sigbox = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {}, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  };

  it('prints the policy-controller YAML built from the box trust material', async () => {
    const r = await sigbox('export', 'policy-controller', '--policy', policyFile, '--url', server.url);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('warning: policy-controller v0.14.0 verifies Rekor v1 entries only') });
    const [trustRoot, cip] = parseAllDocuments(r.stdout).map((d) => d.toJSON());
    const served = (await (await fetch(`${server.url}/trusted_root.json`)).json()) as { certificateAuthorities: Array<{ certChain: { certificates: Array<{ rawBytes: string }> } }> };
    const chain = Buffer.from(trustRoot.spec.sigstoreKeys.certificateAuthorities[0].certChain, 'base64').toString();
    expect(chain.replace(/-----[A-Z ]+-----|\n/gu, '')).toBe(served.certificateAuthorities[0]!.certChain.certificates.map((c) => c.rawBytes).join(''));
    expect(trustRoot.spec.sigstoreKeys.tLogs).toEqual([expect.objectContaining({ baseURL: server.url })]);
    expect(cip.spec.authorities[0].keyless).toMatchObject({ url: server.url, identities: [{ issuerRegExp: '^(?:http://127\\.0\\.0\\.1:\\d+/oidc)$', subject: 'dev@example.com' }] });
  });

  it('gives the same bytes from the trusted_root.json file as from the URL', async () => {
    const fromUrl = await sigbox('export', 'kyverno', '--policy', policyFile, '--url', server.url);
    const fromFile = await sigbox('export', 'kyverno', '--policy', policyFile, '--trusted-root', server.trustedRootFile);
    expect(fromUrl.code).toBe(0);
    expect(fromFile).toEqual(fromUrl);
  });

  it('writes a remote TrustRoot from the box TUF root', async () => {
    const r = await sigbox('export', 'policy-controller', '--policy', policyFile, '--url', server.url, '--trust-root', 'remote');
    const [trustRoot] = parseAllDocuments(r.stdout).map((d) => d.toJSON());
    expect(trustRoot.spec.remote).toEqual({ mirror: `${server.url}/tuf`, root: (await readFile(server.tuf.rootFile)).toString('base64'), trustedRootTarget: 'trusted_root.json' });
  });

  it('writes the cosign files into --out, the script executable', async () => {
    const out = path.join(dir, 'cosign');
    const r = await sigbox('export', 'cosign', '--policy', policyFile, '--url', server.url, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${path.join(out, 'verify.sh')}`);
    expect((await stat(path.join(out, 'verify.sh'))).mode & 0o777).toBe(0o755);
    expect(JSON.parse(await readFile(path.join(out, 'trusted_root.json'), 'utf8'))).toEqual(JSON.parse(await readFile(server.trustedRootFile, 'utf8')));
  });

  it('exit 1: what the target cannot check is listed and refused unless --allow-dropped', async () => {
    const strict = path.join(dir, 'strict.yaml');
    await writeFile(strict, POLICY.replace('    scope:', '    expectations: { runnerEnvironment: github-hosted }\n    scope:'));
    const r = await sigbox('export', 'flux', '--policy', strict, '--url', server.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'cannot express: rule dev (line 4): runnerEnvironment "github-hosted" (Flux matchOIDCIdentity takes issuer and subject only)\n' +
        'sigbox: export flux: NOT_EXPRESSIBLE: flux cannot check the 1 expectation(s) above; --allow-dropped exports anyway (admitting more than the policy)\n',
    );
    const allowed = await sigbox('export', 'flux', '--policy', strict, '--url', server.url, '--allow-dropped');
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('dropped: rule dev (line 4): runnerEnvironment');
  });

  it('exit 1 with FILE:line:column for a bad policy, one line for a box that is not there', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, POLICY.replace('subject: dev@example.com', 'subjekt: dev@example.com'));
    const r = await sigbox('export', 'kyverno', '--policy', bad, '--url', server.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&')}:5:\\d+: UNKNOWN_KEY `, 'u'));
    const gone = await sigbox('export', 'kyverno', '--policy', policyFile, '--url', 'http://127.0.0.1:1');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^sigbox: export kyverno: cannot fetch http:\/\/127\.0\.0\.1:1\/sigbox\/v1\/trusted_root\.json: /u);
  });

  it('exit 2 for command lines it cannot run', async () => {
    for (const argv of [
      ['export'],
      ['export', 'gatekeeper', '--policy', policyFile, '--url', server.url],
      ['export', 'kyverno', '--url', server.url],
      ['export', 'kyverno', '--policy', policyFile],
      ['export', 'kyverno', '--policy', policyFile, '--url', server.url, '--trusted-root', 'x.json'],
      ['export', 'cosign', '--policy', policyFile, '--url', server.url],
      ['export', 'kyverno', '--policy', policyFile, '--trusted-root', 'x.json', '--trust-root', 'remote'],
      ['export', 'kyverno', '--policy', policyFile, '--url', server.url, '--signature-format', 'sig'],
    ]) {
      expect((await sigbox(...argv)).code, argv.join(' ')).toBe(2);
    }
  });
});
