import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caught } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './error.js';

const CWD = '/srv/sigbox';

function up(argv: string[], env: Record<string, string> = {}) {
  const config = loadConfig(['up', ...argv], env, CWD);
  if (config.command !== 'up') throw new Error('expected up');
  return config.server;
}

const failure = (argv: string[], env: Record<string, string> = {}) => caught(ConfigError, () => loadConfig(argv, env, CWD));

describe('loadConfig', () => {
  it('applies safe defaults', () => {
    expect(up([])).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/sigbox/.sigbox',
      databaseUrl: undefined,
      publicUrl: undefined,
      dev: false,
      fulcioConfig: undefined,
      keySecrets: {},
    });
  });

  it('carries --signing-log v1|v2 and refuses anything else', () => {
    expect(up(['--signing-log', 'v1']).signingLog).toBe('v1');
    expect(up(['--signing-log', 'v2']).signingLog).toBe('v2');
    expect(up([]).signingLog).toBeUndefined();
    expect(failure(['up', '--signing-log', '2'])).toMatchObject({ code: 'INVALID_VALUE', message: "--signing-log must be v1 or v2, got '2'" });
  });

  it('carries --issuance-policy as a path resolved against the working folder', () => {
    expect(up(['--issuance-policy', 'policy.yaml']).issuancePolicy).toBe('/srv/sigbox/policy.yaml');
    expect(up([]).issuancePolicy).toBeUndefined();
    expect(failure(['up', '--issuance-policy', '']).code).toBe('INVALID_VALUE');
  });

  it('carries --witness-policy as a path resolved against the working folder', () => {
    expect(up(['--witness-policy', 'witnesses.policy']).witnessPolicy).toBe('/srv/sigbox/witnesses.policy');
    expect(up([]).witnessPolicy).toBeUndefined();
    expect(failure(['up', '--witness-policy', '']).code).toBe('INVALID_VALUE');
  });

  it('reads the keyring folder, its passphrase and PIN from the environment or files, never from argv', () => {
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-secrets-'));
    try {
      fs.writeFileSync(path.join(secrets, 'pass'), 'from-file\n');
      fs.writeFileSync(path.join(secrets, 'empty'), '\n');
      expect(up(['--keys', 'keys'], { SIGBOX_KEY_PASSPHRASE: 'pw', SIGBOX_HSM_PIN: '1234' })).toMatchObject({ keysDir: '/srv/sigbox/keys', keySecrets: { passphrase: 'pw', pin: '1234' } });
      expect(up(['--passphrase-file', path.join(secrets, 'pass')], { SIGBOX_KEY_PASSPHRASE: 'env' }).keySecrets).toEqual({ passphrase: 'from-file' });
      expect(failure(['up', '--passphrase-file', path.join(secrets, 'empty')]).message).toMatch(/is empty/);
      expect(failure(['up', '--pin-file', path.join(secrets, 'absent')]).message).toMatch(/cannot read .*ENOENT/);
    } finally {
      fs.rmSync(secrets, { recursive: true, force: true });
    }
  });

  it('reads every flag, resolving paths against the working folder', () => {
    const server = up([
      '--port=0',
      '--host',
      '0.0.0.0',
      '--data',
      'state',
      '--database-url',
      'postgres://u:p@db:5432/sigbox',
      '--public-url',
      'https://sigstore.example.internal/',
      '--dev',
      '--unsafe-dev-in-production',
      '--fulcio-config',
      '../fulcio.json',
      '--request-timeout',
      '30',
      '--max-connections=200',
    ]);
    expect(server).toEqual({
      host: '0.0.0.0',
      port: 0,
      dataDir: '/srv/sigbox/state',
      databaseUrl: 'postgres://u:p@db:5432/sigbox',
      publicUrl: 'https://sigstore.example.internal',
      dev: true,
      devProductionShape: ['--host 0.0.0.0', '--public-url https://sigstore.example.internal', '--fulcio-config'],
      fulcioConfig: '/srv/fulcio.json',
      keySecrets: {},
      requestTimeoutMs: 30_000,
      maxConnections: 200,
    });
  });

  it('turns the CT log off with --no-ct-log, and only then', () => {
    expect(up(['--no-ct-log']).ctLog).toBe(false);
    expect(up([]).ctLog).toBeUndefined();
  });

  it('takes DATABASE_URL from the environment, the flag winning', () => {
    expect(up([], { DATABASE_URL: 'postgresql://env/db' }).databaseUrl).toBe('postgresql://env/db');
    expect(up(['--database-url', 'postgres://flag/db'], { DATABASE_URL: 'postgres://env/db' }).databaseUrl).toBe(
      'postgres://flag/db',
    );
    expect(up([], { DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('takes the database timeout and start-up wait in seconds, for PostgreSQL only', () => {
    const server = up(['--database-url', 'postgres://db/sigbox', '--database-timeout', '3', '--database-wait', '0']);
    expect(server.databaseTimeouts).toEqual({ connectMs: 3_000, statementMs: 3_000 });
    expect(server.databaseWaitMs).toBe(0);
    expect(up(['--database-wait=120'], { DATABASE_URL: 'postgres://db/sigbox' }).databaseWaitMs).toBe(120_000);
    expect(up([])).not.toHaveProperty('databaseTimeouts');
    expect(up([])).not.toHaveProperty('databaseWaitMs');
    for (const [flag, value] of [['--database-timeout', '0'], ['--database-timeout', '1.5'], ['--database-wait', '-1'], ['--database-wait', '3601']] as const) {
      expect(failure(['up', '--database-url', 'postgres://db/sigbox', `${flag}=${value}`])).toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining(flag) });
    }
    expect(failure(['up', '--database-timeout', '3'])).toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining('need --database-url') });
  });

  it('returns a frozen config', () => {
    const config = loadConfig(['up'], {}, CWD);
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.command === 'up' && Object.isFrozen(config.server)).toBe(true);
  });

  it('answers --help and -h with the help command', () => {
    expect(loadConfig(['--help'], {}, CWD)).toEqual({ command: 'help' });
    expect(loadConfig(['up', '-h'], {}, CWD)).toEqual({ command: 'help' });
  });

  it('names unknown flags', () => {
    const err = failure(['up', '--bogus']);
    expect(err.code).toBe('UNKNOWN_FLAG');
    expect(err.message).toBe('unknown flag --bogus');
    expect(failure(['up', '-x']).message).toBe('unknown flag -x');
  });

  it('rejects flags without their value or with one they do not take', () => {
    expect(failure(['up', '--port'])).toMatchObject({ code: 'BAD_FLAG', message: expect.stringContaining('--port') });
    expect(failure(['up', '--dev=yes'])).toMatchObject({ code: 'BAD_FLAG', message: expect.stringContaining('--dev') });
  });

  it('rejects missing, unknown and extra commands', () => {
    expect(failure([]).code).toBe('MISSING_COMMAND');
    expect(failure(['serve'])).toMatchObject({ code: 'UNKNOWN_COMMAND', message: "unknown command 'serve'" });
    expect(failure(['up', 'now'])).toMatchObject({ code: 'UNKNOWN_COMMAND', message: "unexpected argument 'now'" });
  });

  it.each([['abc'], ['-1'], ['65536'], ['80.5'], ['']])('rejects port %j', (port) => {
    expect(failure(['up', `--port=${port}`]).code).toBe('INVALID_VALUE');
  });

  it('accepts the port bounds', () => {
    expect(up(['--port', '65535']).port).toBe(65535);
    expect(up(['--port', '0']).port).toBe(0);
  });

  it('runs one process by default and --workers N with a database URL', () => {
    const one = loadConfig(['up'], {}, CWD);
    expect(one.command === 'up' && one.workers).toBe(1);
    const many = loadConfig(['up', '--workers', '4', '--database-url', 'postgres://db/sigbox'], {}, CWD);
    expect(many.command === 'up' && many.workers).toBe(4);
    const fromEnv = loadConfig(['up', '--workers', '64'], { DATABASE_URL: 'postgres://db/sigbox' }, CWD);
    expect(fromEnv.command === 'up' && fromEnv.workers).toBe(64);
  });

  it('refuses --workers outside 1..64, and several workers on the single-process embedded database', () => {
    for (const n of ['0', '65', '-1', '1.5', 'two', '']) {
      expect(failure(['up', `--workers=${n}`, '--database-url', 'postgres://db/x']).message).toContain('--workers must be an integer from 1 to 64');
    }
    expect(failure(['up', '--workers', '2']).message).toContain('needs --database-url');
    expect(loadConfig(['up', '--workers', '1'], {}, CWD)).toMatchObject({ command: 'up', workers: 1 });
  });

  it('rejects a non-Postgres database URL without echoing it', () => {
    const err = failure(['up', '--database-url', 'mysql://root:hunter2@db/x']);
    expect(err.code).toBe('INVALID_VALUE');
    expect(err.message).not.toContain('hunter2');
    expect(failure(['up'], { DATABASE_URL: 'not a url' }).code).toBe('INVALID_VALUE');
  });

  it('rejects public URLs that are not plain http(s) bases', () => {
    for (const url of ['ftp://x', 'nope', 'https://x/?a=1', 'https://x/#f']) {
      expect(failure(['up', '--public-url', url]).code).toBe('INVALID_VALUE');
    }
  });

  it('takes --tls-cert and --tls-key together, resolving them against the working folder', () => {
    const server = up(['--tls-cert', 'tls/chain.pem', '--tls-key=/etc/sigbox/tls.key']);
    expect(server).toMatchObject({ tlsCertFile: '/srv/sigbox/tls/chain.pem', tlsKeyFile: '/etc/sigbox/tls.key' });
  });

  it('serves plain HTTP without either TLS flag', () => {
    const server = up([]);
    expect(server.tlsCertFile).toBeUndefined();
    expect(server.tlsKeyFile).toBeUndefined();
    expect('tlsCertFile' in server || 'tlsKeyFile' in server).toBe(false);
  });

  it('refuses one TLS flag without the other, or an empty one', () => {
    for (const argv of [['--tls-cert', 'c.pem'], ['--tls-key', 'k.pem']]) {
      expect(failure(['up', ...argv])).toMatchObject({ code: 'INVALID_VALUE', message: '--tls-cert and --tls-key must be given together' });
    }
    expect(failure(['up', '--tls-cert=', '--tls-key', 'k.pem'])).toMatchObject({ code: 'INVALID_VALUE', message: '--tls-cert must not be empty' });
  });

  it('rejects empty host and data folder', () => {
    expect(failure(['up', '--host=']).code).toBe('INVALID_VALUE');
    expect(failure(['up', '--data=']).code).toBe('INVALID_VALUE');
  });

  it('takes the request timeout in seconds and the connection cap, within bounds', () => {
    expect(up(['--request-timeout', '1', '--max-connections', '1'])).toMatchObject({ requestTimeoutMs: 1000, maxConnections: 1 });
    expect(up(['--entry-cache-mib', '0'])).toMatchObject({ entryCacheBytes: 0 });
    expect(up(['--entry-cache-mib=96'])).toMatchObject({ entryCacheBytes: 96 * 1024 * 1024 });
    expect(up([])).not.toHaveProperty('entryCacheBytes');
    expect(up(['--request-timeout=3600', '--max-connections=1000000'])).toMatchObject({ requestTimeoutMs: 3_600_000, maxConnections: 1_000_000 });
    for (const bad of ['0', '3601', '1.5', '-1', 'ten', '']) {
      expect(failure(['up', `--request-timeout=${bad}`]).message).toContain('--request-timeout must be an integer from 1 to 3600');
    }
    for (const bad of ['0', '1000001', 'many', '']) {
      expect(failure(['up', `--max-connections=${bad}`]).message).toContain('--max-connections must be an integer from 1 to 1000000');
    }
    for (const bad of ['-1', '65537', '1.5', 'lots', '']) {
      expect(failure(['up', `--entry-cache-mib=${bad}`]).message).toContain('--entry-cache-mib must be an integer from 0 to 65536');
    }
  });
});

describe('loadConfig: --dev stays on loopback unless loudly overridden', () => {
  it.each([
    [['--host', '127.0.0.1']],
    [['--host', '127.3.2.1']],
    [['--host', '::1']],
    [['--host', 'localhost']],
    [['--public-url', 'http://localhost:8080']],
    [['--public-url', 'http://[::1]:8080']],
    [['--database-url', 'postgres://db.internal/sigbox', '--tls-cert', 'c.pem', '--tls-key', 'k.pem']],
  ])('runs --dev with %j', (argv) => {
    const server = up(['--dev', ...argv]);
    expect(server.dev).toBe(true);
    expect(server.devProductionShape).toBeUndefined();
  });

  it.each([
    [['--host', '0.0.0.0'], '--host 0.0.0.0'],
    [['--host', '::'], '--host ::'],
    [['--host', '10.1.2.3'], '--host 10.1.2.3'],
    [['--host', 'sigstore.example.internal'], '--host sigstore.example.internal'],
    [['--public-url', 'https://sigstore.example.internal'], '--public-url https://sigstore.example.internal'],
    [['--keys', '/etc/sigbox/keys'], '--keys'],
    [['--fulcio-config', 'fulcio.yaml'], '--fulcio-config'],
  ])('refuses --dev with %j, in one line naming the override', (argv, reason) => {
    const err = failure(['up', '--dev', ...argv]);
    expect(err.code).toBe('UNSAFE_DEV');
    expect(err.message).toContain(`--dev with ${reason} `);
    expect(err.message).toContain('--unsafe-dev-in-production');
    expect(err.message).not.toContain('\n');
  });

  it('runs such a start with the override, keeping every reason for the warning', () => {
    const server = up(['--dev', '--host', '0.0.0.0', '--keys', 'keys', '--fulcio-config', 'f.yaml', '--unsafe-dev-in-production']);
    expect(server.devProductionShape).toEqual(['--host 0.0.0.0', '--keys', '--fulcio-config']);
  });

  it('refuses the override without --dev', () => {
    expect(failure(['up', '--unsafe-dev-in-production']).message).toBe('--unsafe-dev-in-production only applies with --dev');
  });
});
