// `sigbox monitor` as a user runs it, against `sigbox up` (its Rekor v2 tiles, Rekor v1 API and tiles, CT log, keys
// found through trusted_root.json) with cosign signing as GitHub workflows minted by the testkit issuer, and against
// a tiles log the test holds the key of, made to fork, roll back and sign with another key.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEphemeralSigner, encoding } from '@sigbox/core';
import {
  type NodeProcess,
  type OidcIssuer,
  type SigboxProcess,
  type TilesLogServer,
  buildTilesLogTree,
  findTool,
  runTool,
  spawnSigbox,
  startOidcIssuer,
  startSigbox,
  startTilesLogServer,
  createTestDatabase,
  TEST_KEY_PASSPHRASE,
  hashedrekord,
  keyPem,
  signArtifact,
  testKey,
} from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulcioConfigOf, policyOf, workflowClaims } from './helpers/issuance.js';

const COSIGN_V3 = findTool({ env: 'COSIGN_V3', why: 'cosign v3.1.3: go install github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3 and set the path' });
const COSIGN_V2 = findTool({ env: 'COSIGN_V2', why: 'cosign v2.6.5: go install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5 and set the path' });

const WATCH = `  - name: octo-release
    selector: { subject: { pattern: "https://github.com/octo-org/.+" } }
    expectations:
      sourceRepositoryRef: refs/heads/main
      buildConfigURI: { pattern: "https://github.com/octo-org/app/\\\\.github/workflows/release\\\\.yml@refs/heads/main" }
`;

interface LogLine {
  msg: string;
  alert?: { id: string; kind: string; rule: string; source: string; details: Record<string, any> };
}

/** `sigbox monitor … --once` to its end: exit code, stderr, and the JSON log lines. */
async function monitorOnce(args: readonly string[]): Promise<{ code: number | null; stderr: string; lines: LogLine[] }> {
  const proc = spawnSigbox(['monitor', ...args, '--once'], { keepStdout: true });
  const code = await proc.exited();
  const lines = proc.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
  return { code, stderr: proc.stderr(), lines };
}
const alertsOf = (lines: LogLine[]) => lines.flatMap((l) => (l.alert ? [l.alert] : []));

describe.skipIf(COSIGN_V3 === undefined || COSIGN_V2 === undefined)('sigbox monitor on sigbox up', () => {
  let dir: string;
  let idp: OidcIssuer;
  let sigbox: SigboxProcess;
  let policy: string;
  const state = (name: string) => ['--state', path.join(dir, `${name}.json`)];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-monitor-'));
    idp = await startOidcIssuer();
    await writeFile(path.join(dir, 'fulcio-config.json'), fulcioConfigOf(idp));
    policy = path.join(dir, 'policy.yaml');
    await writeFile(policy, policyOf(WATCH));
    await writeFile(path.join(dir, 'artifact'), 'hello');
    sigbox = await startSigbox({ dataDir: path.join(dir, 'data'), args: ['--fulcio-config', path.join(dir, 'fulcio-config.json')] });
  }, 120_000);
  afterAll(async () => {
    await sigbox?.stop();
    await idp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** cosign v3 (to Rekor v2, the default signing log) or v2 (to Rekor v1) signs the artifact as `ref` of octo-org/app. */
  async function sign(cosign: 'v3' | 'v2', ref: string): Promise<void> {
    await writeFile(path.join(dir, 'token'), idp.issueToken(workflowClaims('octo-org/app', ref)));
    const trusted = ['--trusted-root', path.join(dir, 'data', 'trusted_root.json')];
    const args =
      cosign === 'v3'
        ? ['sign-blob', '--signing-config', path.join(dir, 'data', 'signing_config.v0.2.json'), ...trusted, '--identity-token', 'token', '--bundle', 'b.json', '-y', 'artifact']
        : ['sign-blob', '--fulcio-url', sigbox.url, '--rekor-url', sigbox.url, '--new-bundle-format', ...trusted, '--identity-token', 'token', '--bundle', 'b.json', '-y', 'artifact'];
    const result = await runTool((cosign === 'v3' ? COSIGN_V3 : COSIGN_V2) as string, args, { cwd: dir, env: { HOME: dir, PATH: process.env.PATH } });
    expect(result.code, result.stderr).toBe(0);
  }

  it('with the URL alone follows Rekor v2: a release from main passes, a signature from another ref of the watched repository alerts (exit 1)', async () => {
    await sign('v3', 'refs/heads/main');
    const quiet = await monitorOnce(['--log', sigbox.url, '--policy', policy, ...state('v2')]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toContain('/api/v2 verified at 1 entries (1 new), 0 alert(s)');

    await sign('v3', 'refs/heads/feature');
    const loud = await monitorOnce(['--log', sigbox.url, '--policy', policy, ...state('v2')]);
    expect(loud.code, loud.stderr).toBe(1);
    const [alert, ...more] = alertsOf(loud.lines);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ kind: 'identity', rule: 'octo-release', source: `${sigbox.url}/api/v2`, details: { index: '1' } });
    expect(alert?.details.identity.subject).toBe('https://github.com/octo-org/app/.github/workflows/release.yml@refs/heads/feature');
    expect(alert?.details.failures.map((f: { field: string }) => f.field)).toEqual(['sourceRepositoryRef', 'buildConfigURI']);
    // Caught up: the next round checks nothing and raises nothing.
    expect((await monitorOnce(['--log', sigbox.url, '--policy', policy, ...state('v2')])).code).toBe(0);
  });

  it('follows Rekor v1 through its API and through its tiles, and the CT log, each finding the bad signature', async () => {
    await sign('v2', 'refs/heads/feature');
    const api = await monitorOnce(['--log', sigbox.url, '--kind', 'rekor-v1', '--policy', policy, ...state('v1')]);
    const tiles = await monitorOnce(['--log', `${sigbox.url}/api/v1/log/tiles`, '--policy', policy, ...state('v1-tiles')]);
    for (const run of [api, tiles]) {
      expect(run.code, run.stderr).toBe(1);
      expect(alertsOf(run.lines).map((a) => [a.rule, a.details.index])).toEqual([['octo-release', '0']]);
    }
    // CT holds every certificate issued: main (v3), feature (v3), feature (v2).
    const ct = await monitorOnce(['--log', sigbox.url, '--kind', 'ct', '--policy', policy, ...state('ct')]);
    expect(ct.code, ct.stderr).toBe(1);
    expect(ct.stderr).toContain('/ct/v1 verified at 3 entries');
    expect(alertsOf(ct.lines).map((a) => a.details.index)).toEqual(['1', '2']);
  });

  it('delivers a webhook alert once although the receiver fails at first and the monitor is killed and restarted', async () => {
    const attempts: string[] = [];
    const delivered: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: string };
        attempts.push(id);
        if (attempts.length <= 3) {
          res.writeHead(500).end();
          return;
        }
        delivered.push(id);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
    const args = ['monitor', '--log', sigbox.url, '--policy', policy, '--webhook', hook, '--interval', '1', ...state('hook')];
    const until = async (ok: () => boolean, ms = 30_000) => {
      for (const deadline = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > deadline) throw new Error('timed out');
      }
    };
    let proc: NodeProcess | undefined;
    try {
      proc = spawnSigbox(args);
      await until(() => attempts.length >= 1);
      await proc.kill(); // SIGKILL: no shutdown hook, the outbox file is all that remains
      const outbox = JSON.parse(await readFile(path.join(dir, 'hook.json.outbox'), 'utf8')) as { pending: unknown[] };
      expect(outbox.pending).toHaveLength(1);
      proc = spawnSigbox(args);
      await until(() => delivered.length >= 1);
      await new Promise((r) => setTimeout(r, 2_500)); // a few more rounds: nothing is sent again
      expect(delivered).toEqual([`identity:${sigbox.url}/api/v2:1:octo-release:expectations-failed`]);
      expect(attempts.length).toBe(4);
      expect(await proc.stop()).toBe(0);
    } finally {
      await proc?.stop();
      await new Promise((r) => receiver.close(r));
    }
  }, 60_000);

  it('re-reads the policy on SIGHUP: a new rule applies to the next entries, a bad file keeps the old rules', async () => {
    const file = path.join(dir, 'reload.yaml');
    await writeFile(file, policyOf('  - name: nobody\n    selector: { subject: nobody@example.com }\n    alertOnAnyUse: true\n'));
    const proc = spawnSigbox(['monitor', '--log', sigbox.url, '--policy', file, '--interval', '1', ...state('reload')], { keepStdout: true });
    const lines = () => proc.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine & { level: number });
    const until = async (ok: () => boolean) => {
      for (const deadline = Date.now() + 30_000; !ok(); await new Promise((r) => setTimeout(r, 100))) if (Date.now() > deadline) throw new Error(proc.stderr());
    };
    try {
      await until(() => lines().some((l) => l.msg === 'monitor verified a new tree head'));
      await writeFile(file, 'rules: [');
      proc.child.kill('SIGHUP');
      await until(() => lines().some((l) => l.msg.startsWith('monitor policy not reloaded')));
      await writeFile(file, policyOf('  - name: any-octo\n    selector: { subject: { pattern: "https://github.com/octo-org/.+" } }\n    alertOnAnyUse: true\n'));
      proc.child.kill('SIGHUP');
      await until(() => lines().some((l) => l.msg === 'monitor policy reloaded'));
      await sign('v3', 'refs/heads/main');
      await until(() => alertsOf(lines()).length > 0);
      expect(alertsOf(lines()).map((a) => [a.rule, a.details.alert])).toEqual([['any-octo', 'any-use']]);
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  }, 60_000);
});

describe.skipIf(COSIGN_V3 === undefined)('sigbox up --monitor-policy', () => {
  let dir: string;
  let sigbox: SigboxProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-up-monitor-'));
    await writeFile(path.join(dir, 'policy.yaml'), policyOf('  - name: break-glass\n    selector: { subject: oncall@example.com }\n    alertOnAnyUse: true\n'));
    await writeFile(path.join(dir, 'artifact'), 'hello');
    sigbox = await startSigbox({ dataDir: path.join(dir, 'data'), args: ['--dev', '--monitor-policy', path.join(dir, 'policy.yaml')], keepStdout: true });
  }, 120_000);
  afterAll(async () => {
    await sigbox?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the box alerts on a use of a watched identity within seconds, in its own log', async () => {
    const res = await fetch(`${sigbox.url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'oncall@example.com' }) });
    await writeFile(path.join(dir, 'token'), ((await res.json()) as { id_token: string }).id_token);
    const data = path.join(dir, 'data');
    const signed = await runTool(COSIGN_V3 as string, ['sign-blob', '--signing-config', path.join(data, 'signing_config.v0.2.json'), '--trusted-root', path.join(data, 'trusted_root.json'), '--identity-token', 'token', '--bundle', 'b.json', '-y', 'artifact'], { cwd: dir, env: { HOME: dir, PATH: process.env.PATH } });
    expect(signed.code, signed.stderr).toBe(0);
    const started = Date.now();
    let alert: LogLine['alert'];
    while (alert === undefined && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 200));
      alert = sigbox.stdout().split('\n').filter((l) => l.includes('"alert"')).map((l) => (JSON.parse(l) as LogLine).alert)[0];
    }
    expect(alert).toMatchObject({ kind: 'identity', rule: 'break-glass', details: { alert: 'any-use', identity: { subject: 'oncall@example.com' } } });
    expect(await readFile(path.join(data, 'monitor-state.json'), 'utf8')).toContain('"size": "1"');
  }, 60_000);
});

describe('sigbox monitor on a tiles log that misbehaves', () => {
  let dir: string;
  let log: TilesLogServer;
  let args: string[];
  const entries = (n: number, tag = 'a') => Array.from({ length: n }, (_, i) => encoding.utf8(`${tag}${i}`));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-monitor-fork-'));
    // The key name is the URL's hostname, as for Rekor: the checkpoint's origin and name are 127.0.0.1.
    log = await startTilesLogServer({ origin: '127.0.0.1', signer: createEphemeralSigner('ecdsa-p256') });
    const pem = log.signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await writeFile(path.join(dir, 'log.pub'), pem);
    args = ['--log', log.url, '--log-key', path.join(dir, 'log.pub'), '--state', path.join(dir, 'state.json')];
  });
  afterAll(async () => {
    await log?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('alerts on a fork, a rollback and a foreign signature, exit 1 each, and keeps the verified head', async () => {
    await log.serve(buildTilesLogTree(entries(3000)));
    const first = await monitorOnce(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('verified at 3000 entries (3000 new)');
    const verified = await readFile(path.join(dir, 'state.json'), 'utf8');

    await log.serve(buildTilesLogTree(entries(3100, 'b'))); // a second tree under the same key
    const fork = await monitorOnce(args);
    expect([fork.code, alertsOf(fork.lines).map((a) => a.kind)]).toEqual([1, ['fork']]);

    await log.serve(buildTilesLogTree(entries(2000)));
    const rollback = await monitorOnce(args);
    expect([rollback.code, alertsOf(rollback.lines).map((a) => a.kind)]).toEqual([1, ['rollback']]);

    const other = await startTilesLogServer({ origin: '127.0.0.1', signer: createEphemeralSigner('ecdsa-p256') });
    const tree = buildTilesLogTree(entries(3200));
    await other.serve(tree);
    await log.serve(tree, { checkpoint: other.checkpoint() });
    await other.close();
    const forged = await monitorOnce(args);
    expect([forged.code, alertsOf(forged.lines).map((a) => a.kind)]).toEqual([1, ['bad-signature']]);
    expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(verified);

    await log.serve(tree);
    const honest = await monitorOnce(args);
    expect(honest.code, honest.stderr).toBe(0);
    expect(honest.stderr).toContain('verified at 3200 entries (200 new), 0 alert(s)');
  });

  it('--from head starts a new state at the current head without reading the history', async () => {
    const fresh = ['--log', log.url, '--log-key', path.join(dir, 'log.pub'), '--state', path.join(dir, 'from-head.json'), '--from', 'head'];
    await log.serve(buildTilesLogTree(entries(3200)));
    const before = log.requests.bundles;
    const run = await monitorOnce(fresh);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('verified at 3200 entries (0 new), 0 alert(s)');
    expect((await monitorOnce(fresh)).code).toBe(0);
    expect(log.requests.bundles).toBe(before); // no entry bundle read
  });

  it('serves sigbox_monitor_* metrics while it runs, and stops cleanly on SIGTERM', async () => {
    await log.serve(buildTilesLogTree(entries(3200)));
    const proc = spawnSigbox(['monitor', ...args, '--interval', '1', '--metrics-port', '0']);
    try {
      let url: string | undefined;
      for (const deadline = Date.now() + 30_000; url === undefined && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        url = /metrics on (\S+)/.exec(proc.stderr())?.[1];
      }
      expect(url, proc.stderr()).toBeDefined();
      let text = '';
      const verified = `sigbox_monitor_verified_tree_size{log="${log.url}"} 3200`;
      for (const deadline = Date.now() + 15_000; !text.includes(verified) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        text = await (await fetch(url as string)).text();
      }
      expect(text).toContain(verified);
      expect(text).toContain(`sigbox_monitor_lag_entries{log="${log.url}"} 0`);
      expect(text).toMatch(new RegExp(`sigbox_monitor_checkpoints_verified_total\\{log="${log.url}"\\} [1-9]`));
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  });

  it.skipIf(process.env.TEST_DATABASE_URL === undefined)('keeps its state in PostgreSQL with --database-url (migrating an empty database)', async () => {
    const db = await createTestDatabase({ engine: 'postgres', migrate: false });
    try {
      const inDb = ['--log', log.url, '--log-key', path.join(dir, 'log.pub'), '--database-url', db.url as string];
      const first = await monitorOnce(inDb);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain('(3200 new)');
      const second = await monitorOnce(inDb);
      expect(second.stderr).toContain('verified at 3200 entries (0 new), 0 alert(s)');
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(process.env.TEST_DATABASE_URL === undefined)('sigbox monitor across a Rekor v1 key rotation (sigbox rotate log)', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sigbox: SigboxProcess;
  const key = testKey('ecdsa-p256');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-monitor-shards-'));
    db = await createTestDatabase({ engine: 'postgres', migrate: false });
    sigbox = await startSigbox({ dataDir: path.join(dir, 'data'), databaseUrl: db.url as string });
  }, 180_000);
  afterAll(async () => {
    await sigbox?.stop();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function addEntries(n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const artifact = encoding.utf8(`${tag}-${i}`);
      const body = hashedrekord(signArtifact(key, artifact, 'sha256'), keyPem(key.publicKey), 'sha256', artifact);
      const res = await fetch(`${sigbox.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, await res.text()).toBe(201);
    }
  }

  it('finishes the frozen shard at its final head, then follows the new shard from its start', async () => {
    const args = ['--log', sigbox.url, '--kind', 'rekor-v1', '--state', path.join(dir, 'v1.json')];
    await addEntries(3, 'before');
    const first = await monitorOnce(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('verified at 3 entries (3 new)');
    await addEntries(2, 'late'); // in the old shard, read only through its final head
    const rotate = spawnSigbox(['rotate', 'log', '--keys', path.join(dir, 'data-keys'), '--database-url', db.url as string], { env: { SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE } });
    expect(await rotate.exited(), rotate.stderr()).toBe(0);
    const switched = async () => {
      const info = (await (await fetch(`${sigbox.url}/api/v1/log`)).json()) as { inactiveShards?: unknown[] };
      const root = (await (await fetch(`${sigbox.url}/sigbox/v1/trusted_root.json`)).json()) as { tlogs: Array<{ publicKey: { keyDetails: string } }> };
      return info.inactiveShards?.length === 1 && root.tlogs.filter((t) => t.publicKey.keyDetails !== 'PKIX_ED25519').length === 2;
    };
    for (const deadline = Date.now() + 30_000; !(await switched()); await new Promise((r) => setTimeout(r, 250))) if (Date.now() > deadline) throw new Error('no rotation');
    await addEntries(4, 'after');
    const across = await monitorOnce(args);
    expect(across.code, across.stderr).toBe(0);
    expect(across.stderr).toContain('verified at 4 entries (6 new), 0 alert(s)');
    const again = await monitorOnce(args);
    expect(again.stderr).toContain('verified at 4 entries (0 new), 0 alert(s)');
  }, 120_000);
});
