import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TufStatus } from '@sigbox/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { formatLeft, formatTufStatus } from './tuf-command.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('sigbox tuf status: the text', () => {
  it('says time left in the unit that matters', () => {
    expect([formatLeft(-5), formatLeft(0), formatLeft(42), formatLeft(3_599), formatLeft(90_000), formatLeft(3 * 86_400 + 5)]).toEqual(['EXPIRED', 'EXPIRED', '42 s', '59 min', '25 h 0 min', '3 d']);
  });

  it('lists roles, targets with their hash prefix and legacy usage, whether they are current, and the warnings', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const role = (r: 'root' | 'targets' | 'snapshot' | 'timestamp', version: number, expires: string) => ({ role: r, version, expires: new Date(expires), signedAt: now, secondsLeft: (Date.parse(expires) - now.getTime()) / 1000 });
    const status: TufStatus = {
      now,
      roles: [role('root', 2, '2027-01-15T12:00:00Z'), role('targets', 3, '2027-12-01T00:00:00Z'), role('snapshot', 5, '2027-12-01T00:00:00Z'), role('timestamp', 9, '2026-12-07T11:00:00Z')],
      targets: [
        { name: 'trusted_root.json', sha256: 'ab'.repeat(32), length: 2345 },
        { name: 'rekor-1.pub', sha256: 'cd'.repeat(32), length: 178, usage: 'Rekor', status: 'Expired' },
      ],
      freshness: { publicUrl: 'https://box.example', ctLog: true, same: false, changed: ['trusted_root.json'] },
      warnings: ['root v2 expires in 39 days (2027-01-15T12:00:00.000Z): sign a new one with `sigbox tuf sign-root`'],
      expired: ['timestamp'],
    };
    const text = formatTufStatus(status);
    expect(text).toContain('  root       2        2027-01-15T12:00:00Z  39 d\n');
    expect(text).toContain('  timestamp  9        2026-12-07T11:00:00Z  EXPIRED\n');
    expect(text).toContain('targets v3 (2 files):\n  trusted_root.json  sha256 abababababab…    2345 bytes\n  rekor-1.pub        sha256 cdcdcdcdcdcd…     178 bytes  Rekor Expired\n');
    expect(text).toContain('targets v3 are NOT what the box would publish now (public URL https://box.example, CT log on): trusted_root.json changed');
    expect(text).toContain('WARNING: root v2 expires in 39 days');
  });
});

describe('sigbox tuf: the ceremony steps on a keyring', () => {
  let parent: string;
  let keys: string;
  const env = { SIGBOX_KEY_PASSPHRASE: 'tuf-command-test' };
  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'sigbox-tuf-command-'));
    keys = path.join(parent, 'keys');
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('`tuf init` is `sigbox init`; `tuf sign-root` writes root 2 and says what to copy to the box', async () => {
    let { out, io } = capture();
    expect(await run(['tuf', 'init', '--keys', keys, '--tuf-root-keys', '2', '--ca-algorithm', 'ecdsa-p256'], env, io)).toBe(0);
    expect(out.stderr).toContain('sigbox tuf init is sigbox init');
    expect(out.stdout).toContain(`Give clients ${keys}/tuf/1.root.json`);

    ({ out, io } = capture());
    expect(await run(['tuf', 'sign-root', '--keys', keys, '--rotate-key', 'tuf-root-2', '--add-root-key', '1', '--threshold', '2', '--expiry-days', '30'], env, io)).toBe(0);
    expect(out.stdout).toMatch(/^signed root v2, expires \S+: 2 of 3 root keys sign from now on\n {2}signed by tuf-root-1, tuf-root-2, tuf-root-3, tuf-root-4\n/);
    expect(out.stdout).toContain(`new keys in ${keys}: tuf-root-3 (tuf-root-3.key.pem, encrypted), tuf-root-4 (tuf-root-4.key.pem, encrypted)`);
    expect(out.stdout).toContain("Next: copy tuf/2.root.json, keyring.json into the box's keyring folder");
    const root2 = JSON.parse(await readFile(path.join(keys, 'tuf', '2.root.json'), 'utf8')) as { signed: { expires: string; roles: { root: { threshold: number; keyids: string[] } } } };
    expect(Date.parse(root2.signed.expires) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(Date.parse(root2.signed.expires) - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    expect(root2.signed.roles.root).toMatchObject({ threshold: 2, keyids: expect.any(Array) });
    expect(root2.signed.roles.root.keyids).toHaveLength(3);

    // tuf-root-2 left with root 2: it can no longer be replaced; a wrong passphrase opens nothing.
    ({ out, io } = capture());
    expect(await run(['tuf', 'sign-root', '--keys', keys, '--rotate-key', 'tuf-root-2'], env, io)).toBe(1);
    expect(out.stderr).toMatch(/tuf-root-2 is not a root key of root v2 in the keyring \(its root keys: tuf-root-1, tuf-root-3, tuf-root-4\)/);
    ({ out, io } = capture());
    expect(await run(['tuf', 'sign-root', '--keys', keys, '--add-root-key', '1'], { SIGBOX_KEY_PASSPHRASE: 'wrong' }, io)).toBe(1);
    expect(out.stderr).toContain('cannot be decrypted with the passphrase given');
    await expect(readFile(path.join(keys, 'tuf', '3.root.json'))).rejects.toThrow();
    // The key made for the unsigned root is gone again, its name free.
    await expect(readFile(path.join(keys, 'tuf-root-5.key.pem'))).rejects.toThrow();
  }, 60_000);

  it('status and publish without a database: exit 1, naming where they looked', async () => {
    let { out, io } = capture();
    expect(await run(['tuf', 'status', '--data', parent], {}, io)).toBe(1);
    expect(out.stderr).toContain(`no database at ${path.join(parent, 'pglite')}`);
    ({ out, io } = capture());
    expect(await run(['tuf', 'publish', '--keys', keys, '--public-url', 'https://box.example', '--data', parent], env, io)).toBe(1);
    expect(out.stderr).toContain('no database at');
  });
});
