import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { policyJsonSchema } from '@sigbox/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './error.js';
import { run } from './run.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

const EXAMPLE = path.resolve(import.meta.dirname, '../../policy/examples/github-release.yaml');
const HEADER = 'apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n';

describe('sigbox policy: the command line', () => {
  it('parses lint, lint --schema and explain, with trust from --url, --trusted-root or the data folder', () => {
    expect(loadConfig(['policy', 'lint', 'p.yaml'], {}, '/srv')).toEqual({ command: 'policy', policy: { action: 'lint', file: '/srv/p.yaml' } });
    expect(loadConfig(['policy', 'lint', '--schema'], {}, '/srv')).toEqual({ command: 'policy', policy: { action: 'schema' } });
    expect(loadConfig(['policy', 'explain', '--policy', 'p.yaml', 'ghcr.io/o/r:v1', '--url', 'http://127.0.0.1:8080/', '--json'], { HOME: '/home/u' }, '/srv')).toEqual({
      command: 'policy',
      policy: {
        action: 'explain', policyFile: '/srv/p.yaml', target: 'ghcr.io/o/r:v1', targetIsFile: false, artifactFile: undefined,
        trust: { kind: 'url', url: 'http://127.0.0.1:8080' }, json: true, dockerConfigFile: '/home/u/.docker/config.json',
      },
    });
    // An existing file is a bundle; the trusted root defaults to the data folder's, as `sigbox verify`; DOCKER_CONFIG wins.
    expect(loadConfig(['policy', 'explain', '--policy', 'p.yaml', EXAMPLE, '--data', 'd'], { DOCKER_CONFIG: '/etc/docker' }, '/srv')).toMatchObject({
      policy: { target: EXAMPLE, targetIsFile: true, trust: { kind: 'file', file: '/srv/d/trusted_root.json' }, dockerConfigFile: '/etc/docker/config.json' },
    });
    expect(loadConfig(['policy'], {})).toEqual({ command: 'help' });
    expect(loadConfig(['policy', 'explain', '--help'], {})).toEqual({ command: 'help' });
  });

  it.each([
    [['policy', 'lint'], 'MISSING_COMMAND'],
    [['policy', 'lint', 'a', 'b'], 'MISSING_COMMAND'],
    [['policy', 'lint', '--schema', 'a'], 'UNKNOWN_COMMAND'],
    [['policy', 'explain', 'img'], 'INVALID_VALUE'],
    [['policy', 'explain', '--policy', 'p'], 'MISSING_COMMAND'],
    [['policy', 'explain', '--policy', 'p', 'img', '--url', 'u', '--trusted-root', 'r'], 'INVALID_VALUE'],
    [['policy', 'explain', '--policy', 'p', 'img', '--url', 'ftp://x'], 'INVALID_VALUE'],
    [['policy', 'explain', '--policy', 'p', 'img', '--artifact', 'a'], 'INVALID_VALUE'],
    [['policy', 'explain', '--policy', 'p', 'img', '--port', '1'], 'UNKNOWN_FLAG'],
    [['policy', 'sign'], 'UNKNOWN_COMMAND'],
  ])('refuses %j with %s, and run() exits 2 with the usage', async (argv, code) => {
    expect(() => loadConfig(argv, {})).toThrow(expect.objectContaining({ code }) as ConfigError);
    const { out, io } = capture();
    expect(await run(argv, {}, io)).toBe(2);
    expect(out.stderr).toContain('sigbox policy lint|explain');
  });
});

describe('sigbox policy lint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-policy-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function lint(name: string, text: string) {
    const file = path.join(dir, name);
    await writeFile(file, text);
    const { out, io } = capture();
    return { file, code: await run(['policy', 'lint', file], {}, io), ...out };
  }

  it('says ok with the number of rules, exit 0', async () => {
    const { out, io } = capture();
    expect(await run(['policy', 'lint', EXAMPLE], {}, io)).toBe(0);
    expect(out.stdout).toBe('ok: 2 rules\n');
    expect((await lint('one.yaml', `${HEADER}  - name: one\n    selector: { subject: a@example.com }\n`)).stdout).toBe('ok: 1 rule\n');
  });

  it.each([
    ['typo.yaml', `${HEADER}  - name: r\n    selector: { subject: a@example.com }\n    expectations:\n      sourceRepositoryReff: refs/heads/main\n`, 7, 7, 'UNKNOWN_KEY'],
    ['pattern.yaml', `${HEADER}  - name: r\n    selector:\n      subject: { pattern: "(" }\n`, 6, 27, 'INVALID_PATTERN'],
    ['syntax.yaml', `${HEADER}  - name: r\n    selector: { subject: [ }\n`, 5, 28, 'YAML_SYNTAX'],
    ['dup.yaml', `${HEADER}  - name: r\n    selector: { subject: a }\n  - name: r\n    selector: { subject: b }\n`, 6, 5, 'DUPLICATE_RULE'],
    ['version.yaml', 'apiVersion: policy.sigbox.dev/v2\nkind: AcceptedIdentities\nrules: []\n', 1, 13, 'UNSUPPORTED_VERSION'],
  ])('%s: one FILE:line:col: CODE message line, exit 1', async (name, text, line, column, code) => {
    const result = await lint(name, text);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${result.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:${column}: ${code} \\S.*\\n$`));
  });

  it('exits 2 on a file it cannot read, and prints the schema with --schema', async () => {
    let { out, io } = capture();
    expect(await run(['policy', 'lint', path.join(dir, 'missing.yaml')], {}, io)).toBe(2);
    expect(out.stderr).toContain('cannot read the policy');
    ({ out, io } = capture());
    expect(await run(['policy', 'lint', '--schema'], {}, io)).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(policyJsonSchema());
    expect(JSON.parse(out.stdout)).toEqual(JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../policy/policy.schema.json'), 'utf8')));
  });

  it('explain exits 2 on a bad policy (pointing at the line) or an unreadable trusted root', async () => {
    const bad = await lint('bad-explain.yaml', `${HEADER}  - name: BAD\n    selector: { subject: a }\n`);
    let { out, io } = capture();
    expect(await run(['policy', 'explain', '--policy', bad.file, '--trusted-root', path.join(dir, 'none.json'), 'ghcr.io/o/r:v1'], {}, io)).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^sigbox: .*bad-explain\\.yaml:4:11: INVALID_VALUE `));
    ({ out, io } = capture());
    expect(await run(['policy', 'explain', '--policy', EXAMPLE, '--trusted-root', path.join(dir, 'none.json'), 'ghcr.io/o/r:v1'], {}, io)).toBe(2);
    expect(out.stderr).toContain('cannot read the trusted root');
  });
});
