// The child-process helper on small Node scripts; the real `sigbox` runs under it in test/cli.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type NodeProcess, spawnNode, untilListening } from './sigbox-process.js';

/** A script that prints the banner line, then ends cleanly on SIGTERM. */
const LISTENS = `console.error('listening on http://127.0.0.1:1234'); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`;

const started: NodeProcess[] = [];
const node = (script: string, options: Parameters<typeof spawnNode>[1] = {}) => {
  const proc = spawnNode(['-e', script], options);
  started.push(proc);
  return proc;
};
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(started.splice(0).map((p) => p.kill()));
});

describe('spawnNode and untilListening', () => {
  it('resolves with the banner URL; stop() ends it with SIGTERM and gives the exit code', async () => {
    const proc = node(LISTENS);
    expect(await untilListening(proc)).toBe('http://127.0.0.1:1234');
    expect(await proc.stop()).toBe(0);
    expect(await proc.exited()).toBe(0);
  });

  it('rejects with the stderr of a process that exits before listening', async () => {
    const proc = node(`console.error('no database'); process.exit(3);`);
    await expect(untilListening(proc)).rejects.toThrow(/exited \(3\) before listening: no database/);
  });

  it('gives up after the time allowed and stops the process', async () => {
    const proc = node(`setInterval(() => {}, 1000);`);
    await expect(untilListening(proc, 300)).rejects.toThrow(/did not listen within 300 ms/);
    expect(proc.child.signalCode).toBe('SIGTERM');
  });

  it('kill() ends it with SIGKILL: no handler runs, no exit code', async () => {
    const proc = node(LISTENS);
    await untilListening(proc);
    await proc.kill();
    expect(await proc.exited()).toBeNull();
    expect(proc.child.signalCode).toBe('SIGKILL');
  });

  it('keeps stdout when asked, leaves DATABASE_URL behind, and applies env changes', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://elsewhere/db');
    vi.stubEnv('SIGBOX_TEST_DROPPED', 'inherited');
    const script = `console.log(JSON.stringify([process.env.DATABASE_URL, process.env.SIGBOX_TEST_DROPPED, process.env.SIGBOX_TEST_ADDED]))`;
    const proc = node(script, { keepStdout: true, env: { SIGBOX_TEST_DROPPED: undefined, SIGBOX_TEST_ADDED: 'yes' } });
    expect(await proc.exited()).toBe(0);
    expect(JSON.parse(proc.stdout())).toEqual([null, null, 'yes']);
    expect(node(script).stdout()).toBe('');
  });
});
