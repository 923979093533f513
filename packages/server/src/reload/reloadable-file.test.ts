import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PolicyError, parsePolicy } from '@sigbox/policy';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../__fixtures__/capture-logger.js';
import { createReloadMetrics } from './reload-metrics.js';
import { openReloadableFile } from './reloadable-file.js';

const policy = (...names: string[]) =>
  `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n${names.map((n) => `  - name: ${n}\n    selector: { subject: ${n}@example.com }\n`).join('')}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sigbox-reload-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function open(file: string, pollMs = 60_000) {
  const log = captureLogger();
  const registry = new Registry();
  const applied: string[][] = [];
  const handle = await openReloadableFile({
    role: 'issuance-policy',
    file,
    parse: parsePolicy,
    locate: (e) => (e instanceof PolicyError ? { line: e.line, column: e.column } : undefined),
    apply: (next, previous) => (applied.push(next.rules.map((r) => r.name)), { rules: next.rules.length, previousRules: previous.rules.length }),
    logger: log.logger,
    metrics: createReloadMetrics(registry),
    watch: { debounceMs: 20, pollMs },
  });
  return { handle, log, registry, applied };
}

const until = async (check: () => boolean, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('openReloadableFile', () => {
  it('takes a changed file (written in place, then replaced by rename as editors do) and logs what changed', async () => {
    const file = path.join(dir, 'policy.yaml');
    await writeFile(file, policy('a'));
    const { handle, log, applied } = await open(file);
    await writeFile(file, policy('a', 'b'));
    await until(() => applied.length === 1);
    expect(handle.current().rules.map((r) => r.name)).toEqual(['a', 'b']);
    await writeFile(path.join(dir, 'policy.yaml.tmp'), policy('c'));
    await rename(path.join(dir, 'policy.yaml.tmp'), file);
    await until(() => applied.length === 2);
    expect(handle.current().rules.map((r) => r.name)).toEqual(['c']);
    expect(log.lines().find((l) => l.msg === `issuance-policy reloaded from ${file}`)).toMatchObject({ level: 30, rules: 2, previousRules: 1 });
    handle.close();
  });

  it('refuses a bad file loudly (file:line, metrics) and keeps the old one; a forced reload of the same bytes applies', async () => {
    const file = path.join(dir, 'policy.yaml');
    await writeFile(file, policy('a'));
    const { handle, log, registry, applied } = await open(file);
    await writeFile(file, `${policy('a')}    typo: true\n`);
    expect(await handle.reload(false)).toBe('failure');
    expect(handle.current().rules.map((r) => r.name)).toEqual(['a']);
    const error = log.lines().find((l) => l.level === 50);
    expect(error?.msg).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:5: reload refused, keeping the previous issuance-policy: 6:5: `));
    expect(error).toMatchObject({ file: 'issuance-policy', line: 6 });
    const metrics = await registry.metrics();
    expect(metrics).toContain('sigbox_config_reload_total{file="issuance-policy",result="failure"} 1');
    expect(metrics).toContain('sigbox_config_last_reload_success{file="issuance-policy"} 0');
    // The same bad bytes seen again by the watch are not re-reported; fixed, the file is taken.
    expect(await handle.reload(false)).toBe('unchanged');
    await writeFile(file, policy('a', 'b'));
    expect(await handle.reload(false)).toBe('success');
    expect(await handle.reload(false)).toBe('unchanged');
    expect(await handle.reload(true)).toBe('success');
    expect(applied).toEqual([['a', 'b'], ['a', 'b']]);
    expect(await registry.metrics()).toContain('sigbox_config_last_reload_success{file="issuance-policy"} 1');
    handle.close();
  });

  it('finds a change by the stat poll alone (a filesystem whose events fs.watch misses)', async () => {
    const sub = path.join(dir, 'sub');
    await mkdir(sub);
    const file = path.join(sub, 'policy.yaml');
    await writeFile(file, policy('a'));
    const { handle, applied } = await open(file, 50);
    // Simulate a missed event: a watch on the directory is gone once the directory is replaced.
    await rm(sub, { recursive: true });
    await mkdir(sub);
    await writeFile(file, policy('z'));
    await until(() => applied.length >= 1);
    expect(handle.current().rules.map((r) => r.name)).toEqual(['z']);
    handle.close();
  });
});
