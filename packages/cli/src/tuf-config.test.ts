import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caught } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './error.js';
import { run } from './run.js';

const CWD = '/srv/sigbox';
const tuf = (argv: string[], env: Record<string, string> = {}) => {
  const config = loadConfig(['tuf', ...argv], env, CWD);
  if (config.command !== 'tuf') throw new Error(`expected tuf, got ${config.command}`);
  return config.tuf;
};
const failure = (argv: string[], env: Record<string, string> = {}) => caught(ConfigError, () => loadConfig(['tuf', ...argv], env, CWD));

describe('sigbox tuf: the command line', () => {
  it('status: the database as `up` and `verify` find it, read-only', () => {
    expect(tuf(['status'])).toEqual({ action: 'status', publicUrl: undefined, databaseUrl: undefined, dataDir: '/srv/sigbox/.sigbox' });
    expect(tuf(['status', '--data', 'd', '--public-url', 'https://box.example/'], { DATABASE_URL: 'postgres://u:p@h/db' })).toEqual({
      action: 'status',
      publicUrl: 'https://box.example',
      databaseUrl: 'postgres://u:p@h/db',
      dataDir: '/srv/sigbox/d',
    });
  });

  it('sign-root: keys to replace (repeatable), keys to add, threshold, expiry in days, online keys', () => {
    expect(tuf(['sign-root', '--keys', 'keys'], { SIGBOX_KEY_PASSPHRASE: 'pw' })).toEqual({
      action: 'sign-root',
      keysDir: '/srv/sigbox/keys',
      secrets: { passphrase: 'pw' },
      rotateKeys: [],
      addRootKeys: 0,
      threshold: undefined,
      expiryDays: 365,
      rotateOnline: false,
    });
    expect(tuf(['sign-root', '--keys', '/k', '--rotate-key', 'tuf-root-1', '--rotate-key', 'tuf-root-2', '--add-root-key', '2', '--threshold', '3', '--expiry-days', '180', '--rotate-online'])).toMatchObject({
      rotateKeys: ['tuf-root-1', 'tuf-root-2'],
      addRootKeys: 2,
      threshold: 3,
      expiryDays: 180,
      rotateOnline: true,
    });
  });

  it('publish: the box\'s public URL exactly as `up` normalises it, its CT log setting, --force', () => {
    expect(tuf(['publish', '--keys', 'k', '--public-url', 'https://box.example/', '--database-url', 'postgresql://h/db'], { SIGBOX_HSM_PIN: '1234' })).toEqual({
      action: 'publish',
      keysDir: '/srv/sigbox/k',
      secrets: { pin: '1234' },
      publicUrl: 'https://box.example',
      ctLog: true,
      force: false,
      databaseUrl: 'postgresql://h/db',
      dataDir: '/srv/sigbox/.sigbox',
    });
    expect(tuf(['publish', '--keys', 'k', '--public-url', 'http://h:8080', '--no-ct-log', '--force'])).toMatchObject({ ctLog: false, force: true });
  });

  it('init is `sigbox init` with its flags', () => {
    expect(tuf(['init', '--keys', 'k', '--tuf-root-keys', '3', '--tuf-root-threshold', '2'], { SIGBOX_KEY_PASSPHRASE: 'pw' })).toMatchObject({
      action: 'init',
      init: { dir: '/srv/sigbox/k', tufRootKeys: 3, tufRootThreshold: 2, secrets: { passphrase: 'pw' } },
    });
    expect(loadConfig(['tuf', 'init', '--help'], {}, CWD)).toEqual({ command: 'help' });
  });

  it('help', () => {
    for (const argv of [['--help'], ['status', '-h'], ['sign-root', '--help'], ['publish', '--help']]) expect(loadConfig(['tuf', ...argv], {}, CWD)).toEqual({ command: 'help' });
  });

  it.each([
    [[], 'MISSING_COMMAND', /needs what to do/],
    [['rotate'], 'UNKNOWN_COMMAND', /unknown command 'tuf rotate'/],
    [['status', 'extra'], 'UNKNOWN_COMMAND', /unexpected argument 'extra'/],
    [['status', '--keys', 'k'], 'UNKNOWN_FLAG', /unknown flag --keys for 'tuf status'/],
    [['status', '--database-url', 'mysql://h/db'], 'INVALID_VALUE', /postgres/],
    [['status', '--data', ''], 'INVALID_VALUE', /--data must not be empty/],
    [['sign-root'], 'INVALID_VALUE', /needs --keys DIR/],
    [['sign-root', '--keys', 'k', '--force'], 'UNKNOWN_FLAG', /--force for 'tuf sign-root'/],
    [['sign-root', '--keys', 'k', '--threshold', '0'], 'INVALID_VALUE', /--threshold must be an integer from 1 to 9/],
    [['sign-root', '--keys', 'k', '--add-root-key', '10'], 'INVALID_VALUE', /--add-root-key/],
    [['sign-root', '--keys', 'k', '--expiry-days', '3651'], 'INVALID_VALUE', /--expiry-days must be an integer from 1 to 3650/],
    [['sign-root', '--keys', 'k', '--rotate-key', 'tuf-root-1', '--rotate-key', 'tuf-root-1'], 'INVALID_VALUE', /twice/],
    [['sign-root', '--keys', 'k', '--rotate-online=yes'], 'BAD_FLAG', /--rotate-online/],
    [['publish', '--keys', 'k'], 'INVALID_VALUE', /needs --public-url URL/],
    [['publish', '--public-url', 'https://h'], 'INVALID_VALUE', /needs --keys DIR/],
    [['publish', '--keys', 'k', '--public-url', 'https://h/?q'], 'INVALID_VALUE', /without query/],
  ])('refuses tuf %j with %s', async (argv, code, message) => {
    const err = failure(argv);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('exits 2 with the usage on a bad command line; never reads a secret from argv', async () => {
    const out = { stdout: '', stderr: '' };
    const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
    expect(await run(['tuf', 'sign-root', '--keys', 'k', '--passphrase', 'pw'], {}, io)).toBe(2);
    expect(out.stderr).toContain("unknown flag --passphrase for 'tuf sign-root'");
    expect(out.stderr).toContain('sigbox tuf sign-root --keys DIR');
  });

  it('reads the passphrase from --passphrase-file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-tuf-secrets-'));
    try {
      fs.writeFileSync(path.join(dir, 'pass'), 'from-file\n');
      expect(tuf(['sign-root', '--keys', 'k', '--passphrase-file', path.join(dir, 'pass')], { SIGBOX_KEY_PASSPHRASE: 'env' })).toMatchObject({ secrets: { passphrase: 'from-file' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
