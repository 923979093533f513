/** The bare edge's child process, and CPU accounting for child processes and the whole machine (Linux /proc). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const START_TIMEOUT_MS = 60_000;
/** USER_HZ: /proc times are in clock ticks, 100 per second on Linux (man 5 proc). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startBareEdge(): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sigbox/source', path.join(HERE, 'bare-edge.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
    if (url !== undefined) return { url, pid: child.pid as number, stop };
    if (child.exitCode !== null) throw new Error(`bare edge exited ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`bare edge did not start: ${err}`);
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat fields 14 and 15). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": field 3 onwards
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat `cpu` line). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}
