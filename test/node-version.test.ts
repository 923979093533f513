// The launcher on a Node too old for Sigbox: Debian's (and NodeSource's) Node 20 at /usr/bin/node, which many CI
// images still ship. It must refuse at once, in one line, before loading anything that fails differently.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { unavailable } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';

const OLD_NODE = '/usr/bin/node';
const REPO_ROOT = new URL('../', import.meta.url).pathname;

/** The major version of `node`, or undefined when it cannot run. */
async function majorVersion(node: string): Promise<number | undefined> {
  try {
    const { stdout } = await promisify(execFile)(node, ['-p', 'process.versions.node']);
    return Number(stdout.split('.')[0]);
  } catch {
    return undefined;
  }
}

const major = existsSync(OLD_NODE) ? await majorVersion(OLD_NODE) : undefined;
const oldNode =
  major === undefined
    ? unavailable(`${OLD_NODE} (a Node older than 24)`, 'the launcher refusing an unsupported Node; .ci/run installs Debian’s nodejs')
    : major >= 24
      ? unavailable(`a Node older than 24 at ${OLD_NODE}`, `it is Node ${major}; the refusal needs an older one`)
      : OLD_NODE;

describe.skipIf(oldNode === undefined)('sigbox on an unsupported Node', () => {
  it('refuses at once with one line naming the version needed and how to get it, and exit code 1', async () => {
    // What `npm start -- --dev --database-url …` runs, on the old Node: before this check, the writer thread died
    // later with ERR_UNKNOWN_FILE_EXTENSION.
    const run = promisify(execFile)(oldNode as string, ['--conditions=@sigbox/source', 'packages/cli/bin/sigbox.mjs', 'up', '--dev', '--database-url', 'postgres://127.0.0.1:1/none'], {
      cwd: REPO_ROOT,
    });
    const failed = await run.then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toBeDefined();
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toBe('');
    expect(failed?.stderr).toMatch(/^sigbox: Sigbox needs Node\.js 24 LTS \(24\.15 or later\); this is v\d+\.\d+\.\d+\. Install Node 24 from \S+ .*\n$/);
    expect(failed?.stderr.split('\n')).toHaveLength(2);
  });
});
