/** The bare edge's child process, and CPU accounting for child processes and the whole machine (Linux /proc). */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode, untilListening } from '@sigbox/testkit';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 60_000;
/** USER_HZ: /proc times are in clock ticks, 100 per second on Linux (man 5 proc). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The bare edge in `workers` processes behind one port (as `sigbox up --workers N`), so both run alike. */
export async function startBareEdge(workers = 1): Promise<ChildServer> {
  const edge = spawnNode(['--import', 'tsx', '--conditions=@sigbox/source', path.join(HERE, 'bare-edge.ts'), String(workers)]);
  const url = await untilListening(edge, START_TIMEOUT_MS);
  return { url, pid: edge.child.pid as number, stop: async () => void (await edge.stop()) };
}

/** /proc/<pid>/stat after "pid (comm) ": field 3 (state) onwards. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** `pid` and every live descendant (a cluster's workers), from each process's parent pid (field 4). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parent = Number(statFields(Number(name))[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/**
 * User + system CPU seconds a process and its live descendants have used so far (/proc/<pid>/stat fields 14
 * and 15): a server started with workers is the primary plus its worker processes.
 */
export function processCpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      const fields = statFields(member);
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch (error) {
      if (member === pid) throw error;
    }
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat `cpu` line). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}
