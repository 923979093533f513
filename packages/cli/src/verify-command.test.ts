import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BoxVerification } from '@sigbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './error.js';
import { run } from './run.js';
import { formatVerification } from './verify-command.js';
import { createProgressView } from './verify-progress.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('sigbox verify: the command line', () => {
  it('takes --data, --database-url (or DATABASE_URL) and --trusted-root, resolved against the working folder', () => {
    expect(loadConfig(['verify', '--data', 'd', '--trusted-root', 'root.json'], { DATABASE_URL: 'postgres://u:p@h/db' }, '/srv')).toEqual({
      command: 'verify',
      verify: { dataDir: '/srv/d', databaseUrl: 'postgres://u:p@h/db', trustedRootFile: '/srv/root.json' },
    });
    expect(loadConfig(['verify'], {}, '/srv')).toMatchObject({ verify: { dataDir: '/srv/.sigbox', databaseUrl: undefined, trustedRootFile: undefined } });
    expect(loadConfig(['verify', '--help'], {})).toEqual({ command: 'help' });
  });

  it.each([
    [['verify', '--port', '1'], 'UNKNOWN_FLAG'],
    [['verify', 'extra'], 'UNKNOWN_COMMAND'],
    [['verify', '--database-url', 'mysql://h/db'], 'INVALID_VALUE'],
    [['verify', '--data', ''], 'INVALID_VALUE'],
  ])('refuses %j with %s, and run() exits 2 with the usage', async (argv, code) => {
    expect(() => loadConfig(argv, {})).toThrow(expect.objectContaining({ code }) as ConfigError);
    const { out, io } = capture();
    expect(await run(argv, {}, io)).toBe(2);
    expect(out.stderr).toContain('sigbox verify [flags]');
  });
});

describe('sigbox verify: what it cannot check is exit 1', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-verify-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 1 naming a missing or unusable trusted root, then a missing database', async () => {
    let { out, io } = capture();
    expect(await run(['verify', '--data', dir], {}, io)).toBe(1);
    expect(out.stderr).toContain(`cannot read the trusted root ${path.join(dir, 'trusted_root.json')}`);
    await writeFile(path.join(dir, 'trusted_root.json'), JSON.stringify({ tlogs: [{ publicKey: { rawBytes: 'AAAA' } }] }));
    ({ out, io } = capture());
    expect(await run(['verify', '--data', dir], {}, io)).toBe(1);
    expect(out.stderr).toContain('tlogs[0].publicKey is not a public key');
    await writeFile(path.join(dir, 'trusted_root.json'), JSON.stringify({ tlogs: [], ctlogs: [] }));
    ({ out, io } = capture());
    expect(await run(['verify', '--data', dir], {}, io)).toBe(1);
    expect(out.stderr).toContain(`no database at ${path.join(dir, 'pglite')}`);
  });
});

describe('sigbox verify: output', () => {
  const tree = { treeId: 7n, name: 'rekor', origin: 'log.example - 7' };
  const report = { tree, entries: 3n, integratedSize: 3n, tiles: 1, checkpoints: 2, signatures: 2, keys: [{ kind: 'tlog' as const, baseUrl: 'http://x', logId: 'ab' }], notes: ['SETs: none stored'] };

  it('summarises each tree and the verdict; problems one per line', () => {
    const clean: BoxVerification = { trees: [{ ...report, problemCount: 0, problems: [] }], problemCount: 0 };
    expect(formatVerification(clean, 1.25)).toBe(
      'tree rekor (ID 7, origin log.example - 7): 3 entries (integrated 3), 1 tiles, 2 checkpoints, 2 signatures verified, 0 problems\n' +
        '  key: tlog http://x (log ID ab)\n  SETs: none stored\n' +
        'verified 1 trees: 3 entries, 1 tiles, 2 checkpoints, 2 signatures in 1.3 s: OK\n',
    );
    const problem = { code: 'TILE_MISMATCH' as const, tree: 'rekor', level: 0, index: 0n, message: 'tile 0/0 (width 3) differs' };
    const broken: BoxVerification = { trees: [{ ...report, problemCount: 3, problems: [problem] }], problemCount: 3 };
    expect(formatVerification(broken, 1)).toContain('  PROBLEM TILE_MISMATCH: tile 0/0 (width 3) differs\n  … and 2 more problems\n');
    expect(formatVerification(broken, 1)).toMatch(/: 3 PROBLEMS\n$/);
  });

  it('draws a bar in place on a terminal, and plain lines at most every 5 s otherwise (always the last)', () => {
    let t = 0;
    let text = '';
    const bar = createProgressView((s) => void (text += s), true, () => t);
    t = 1000;
    bar.update({ tree: 'rekor', done: 50n, total: 100n });
    bar.finish();
    expect(text).toBe(`\r[${'#'.repeat(15)}${'.'.repeat(15)}] 50 / 100 entries, 50/s (tree rekor)\x1b[K\n`);
    text = '';
    t = 0;
    const lines = createProgressView((s) => void (text += s), false, () => t);
    for (t = 0; t <= 9000; t += 1000) lines.update({ tree: 'ct', done: BigInt(t), total: 10_000n });
    lines.update({ tree: 'ct', done: 10_000n, total: 10_000n });
    lines.finish();
    expect(text.split('\n').filter(Boolean)).toEqual([
      'verify: 0 / 10,000 entries, 0/s (tree ct)',
      'verify: 5,000 / 10,000 entries, 1,000/s (tree ct)',
      'verify: 10,000 / 10,000 entries, 1,000/s (tree ct)',
    ]);
  });
});
