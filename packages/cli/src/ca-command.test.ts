import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caught, createTestCa, spawnSigbox, validityAround } from '@sigbox/testkit';
import { parseCsr } from '@sigbox/x509';
import { type CaCommand, loadCaConfig } from './ca-config.js';
import { loadConfig } from './config.js';
import { ConfigError } from './error.js';
import { run } from './run.js';

const CWD = '/srv/sigbox';
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-cli-ca-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function ca(argv: string[], env: Record<string, string> = {}): CaCommand {
  const config = loadConfig(['ca', ...argv], env, CWD);
  if (config.command !== 'ca') throw new Error('expected a ca command');
  return config.ca;
}

const failure = (argv: string[], env: Record<string, string> = {}) => caught(ConfigError, () => loadCaConfig(argv, env, CWD));

describe('sigbox ca: flags and environment', () => {
  it('defaults to file keys, P-384, O=sigbox CN=sigbox, and resolves --out against the working folder', () => {
    expect(ca(['init', '--out', 'ca'])).toEqual({ action: 'init', out: '/srv/sigbox/ca', algorithm: 'ecdsa-p384', subject: { organization: 'sigbox', commonName: 'sigbox' }, keys: { kind: 'file' } });
    expect(ca(['csr', '--out=x', '--cn', 'issuing', '--algorithm', 'rsa'], { SIGBOX_CA_PASSPHRASE: 'pw' })).toMatchObject({ action: 'csr', algorithm: 'rsa', subject: { commonName: 'issuing' }, keys: { kind: 'file', passphrase: 'pw' } });
    expect(ca(['import', '--out', 'x', '--cert', 'i.pem', '--root', '/r.pem'])).toEqual({ action: 'import', out: '/srv/sigbox/x', cert: '/srv/sigbox/i.pem', root: '/r.pem' });
  });

  it('takes HSM keys with the PIN from SIGBOX_HSM_PIN only', () => {
    const command = ca(['init', '--out', 'ca', '--hsm-module', '/lib/softhsm2.so', '--hsm-token', 'sigbox'], { SIGBOX_HSM_PIN: '1234' });
    expect(command).toMatchObject({ keys: { kind: 'hsm', module: '/lib/softhsm2.so', tokenLabel: 'sigbox', pin: '1234', rootKeyLabel: 'sigbox-root', intermediateKeyLabel: 'sigbox-intermediate' } });
    expect(failure(['init', '--out', 'ca', '--hsm-module', '/m.so', '--hsm-token', 't']).message).toMatch(/SIGBOX_HSM_PIN/);
    expect(failure(['init', '--out', 'ca', '--hsm-module', '/m.so'], { SIGBOX_HSM_PIN: '1' }).message).toMatch(/--hsm-token/);
    expect(failure(['init', '--out', 'ca', '--hsm-token', 't']).message).toMatch(/--hsm-module/);
    expect(failure(['init', '--out', 'ca', '--pin', '1234']).code).toBe('UNKNOWN_FLAG');
  });

  it('names the flag or value it cannot use', () => {
    expect(failure(['init', '--out', 'ca', '--bogus'])).toMatchObject({ code: 'UNKNOWN_FLAG', message: "unknown flag --bogus for 'ca init'" });
    expect(failure(['import', '--out', 'ca', '--org', 'x']).code).toBe('UNKNOWN_FLAG'); // subject flags do not apply to import
    expect(failure(['csr', '--out', 'ca', '--hsm-root-key', 'r']).code).toBe('UNKNOWN_FLAG');
    expect(failure(['init']).message).toBe("'ca init' needs --out");
    expect(failure(['init', '--out', 'ca', '--algorithm', 'ed25519']).message).toMatch(/--algorithm must be one of ecdsa-p256, ecdsa-p384, rsa/);
    expect(failure(['init', '--out', 'ca'], { SIGBOX_CA_PASSPHRASE: '' }).code).toBe('INVALID_VALUE');
    expect(failure(['import', '--out', 'ca', '--cert', 'c']).message).toMatch(/--root/);
    expect(failure(['sign']).code).toBe('UNKNOWN_COMMAND');
    expect(failure([]).code).toBe('MISSING_COMMAND');
    expect(failure(['init', 'extra', '--out', 'x']).code).toBe('UNKNOWN_COMMAND');
    expect(loadCaConfig(['init', '--help'], {}, CWD)).toEqual({ command: 'help' });
  });
});

describe('sigbox ca: running the ceremony in process', () => {
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
  };

  it('csr → external root signs → import, then init refuses the finished folder with exit 1', async () => {
    const dir = path.join(temp, 'csr-flow');
    const csr = io();
    expect(await run(['ca', 'csr', '--out', dir, '--algorithm', 'ecdsa-p256'], {}, csr.io)).toBe(0);
    expect(csr.out.stdout).toBe(fs.readFileSync(path.join(dir, 'intermediate.csr.pem'), 'utf8'));
    expect(csr.out.stderr).toMatch(/sigbox ca import/);

    const { root, issueIntermediate } = await createTestCa({ commonName: 'corp-root', algorithm: 'ecdsa-p384', validity: validityAround() });
    const issued = await issueIntermediate(parseCsr(csr.out.stdout).publicKey, { commonName: 'sigbox' });
    fs.writeFileSync(path.join(temp, 'issued.pem'), issued.pem);
    fs.writeFileSync(path.join(temp, 'root.pem'), root.pem);

    const imported = io();
    expect(await run(['ca', 'import', '--out', dir, '--cert', path.join(temp, 'issued.pem'), '--root', path.join(temp, 'root.pem')], {}, imported.io)).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'chain.pem'), 'utf8')).toBe(issued.pem + root.pem);
    const fingerprint = new crypto.X509Certificate(root.der).fingerprint256;
    expect(imported.out.stdout).toContain(fingerprint);

    const again = io();
    expect(await run(['ca', 'init', '--out', dir], {}, again.io)).toBe(1);
    expect(again.out.stderr).toMatch(/^sigbox: .*refusing to overwrite/);
  });

  it('reports a missing --cert file as a failure (exit 1), not a crash', async () => {
    const failed = io();
    expect(await run(['ca', 'import', '--out', temp, '--cert', path.join(temp, 'nope.pem'), '--root', path.join(temp, 'nope.pem')], {}, failed.io)).toBe(1);
    expect(failed.out.stderr).toMatch(/ENOENT/);
  });
});

describe('sigbox ca: the real command', () => {
  const sigbox = async (args: string[], env: Record<string, string> = {}) => {
    const run = spawnSigbox(args, { env, keepStdout: true });
    return { code: await run.exited(), stdout: run.stdout(), stderr: run.stderr() };
  };

  it('ca init --out DIR exits 0 with the CA files in place (passphrase from the environment)', async () => {
    const dir = path.join(temp, 'e2e-ca');
    const result = await sigbox(['ca', 'init', '--out', dir, '--org', 'Example Corp', '--cn', 'example'], { SIGBOX_CA_PASSPHRASE: 'from-env' });
    expect(result.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['chain.pem', 'intermediate.crt.pem', 'intermediate.key.pem', 'root.crt.pem', 'root.key.pem']);
    expect(fs.readFileSync(path.join(dir, 'intermediate.key.pem'), 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    expect(new crypto.X509Certificate(fs.readFileSync(path.join(dir, 'root.crt.pem'))).subject).toBe('O=Example Corp\nCN=example');
    expect(result.stdout).toMatch(/root SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(result.stdout + result.stderr).not.toContain('from-env');
  });

  it('exits 2 naming an unknown flag', async () => {
    const result = await sigbox(['ca', 'init', '--out', path.join(temp, 'never'), '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown flag --frobnicate/);
    expect(fs.existsSync(path.join(temp, 'never'))).toBe(false);
  });
});
