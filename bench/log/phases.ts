/**
 * One measured load phase against one server process: the load result plus where the CPU went during the
 * measured window (the server process, this generator process, the whole machine — Postgres is the rest).
 */
import { type LoadOptions, type LoadResult, quantile, runLoad } from './http-load.js';
import { readFileSync } from 'node:fs';
import { machineCpuSeconds, processCpuSeconds } from './processes.js';

export interface PhaseReport {
  name: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  result: LoadResult;
  /** CPU seconds per wall second during the window (2.0 = both cores of a 2-core machine). */
  cpu: { server: number; generator: number; postgres: number; machine: number };
  /** The server process's resident set at the end of the phase, and its peak since it started (MiB). */
  rssMiB: { end: number; peak: number } | undefined;
}

interface Counters {
  at: number;
  server: number;
  generator: number;
  /** Per backend PID: a backend that comes or goes mid-window is left out rather than half-counted. */
  postgres: Map<number, number>;
  machine: number;
}

/** The processes whose CPU a phase accounts for: the server, and the database's backends if any. */
export interface PhaseProcesses {
  serverPid: number;
  postgresPids?: () => number[];
}

function cpuOr0(pid: number): number | undefined {
  try {
    return processCpuSeconds(pid);
  } catch {
    return undefined; // the process has exited
  }
}

function counters(processes: PhaseProcesses): Counters {
  const own = process.cpuUsage();
  const postgres = new Map<number, number>();
  for (const pid of processes.postgresPids?.() ?? []) {
    const cpu = cpuOr0(pid);
    if (cpu !== undefined) postgres.set(pid, cpu);
  }
  return { at: performance.now(), server: processCpuSeconds(processes.serverPid), generator: (own.user + own.system) / 1e6, postgres, machine: machineCpuSeconds().busy };
}

function postgresDelta(start: Counters, end: Counters): number {
  let sum = 0;
  for (const [pid, cpu] of end.postgres) sum += cpu - (start.postgres.get(pid) ?? cpu);
  return sum;
}

/** A /proc/<pid>/status size in MiB (VmRSS now, VmHWM the peak); undefined once the process is gone. */
function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
    return Number(/(\d+)\s*kB/.exec(line)?.[1]) / 1024;
  } catch {
    return undefined;
  }
}

export async function measurePhase(name: string, processes: PhaseProcesses, options: Omit<LoadOptions, 'onWindow'>): Promise<PhaseReport> {
  let start: Counters | undefined;
  let end: Counters | undefined;
  const result = await runLoad({
    ...options,
    onWindow: (edge) => {
      if (edge === 'start') start = counters(processes);
      else end = counters(processes);
    },
  });
  end ??= counters(processes); // the requests ran out before the window closed
  start ??= end;
  const seconds = Math.max((end.at - start.at) / 1000, 1e-9);
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const [rssEnd, rssPeak] = [statusMiB(processes.serverPid, 'VmRSS'), statusMiB(processes.serverPid, 'VmHWM')];
  return {
    name,
    rssMiB: rssEnd === undefined || rssPeak === undefined ? undefined : { end: rssEnd, peak: rssPeak },
    perSecond: result.accepted / (result.elapsedMs / 1000),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    result,
    cpu: {
      server: (end.server - start.server) / seconds,
      generator: (end.generator - start.generator) / seconds,
      postgres: postgresDelta(start, end) / seconds,
      machine: (end.machine - start.machine) / seconds,
    },
  };
}

/** The answers that were not accepted, by class: shed (503/429, with their p99), other statuses, socket errors, timeouts. */
export function notCounted(result: LoadResult): string {
  const parts = [...result.rejected].map(([status, n]) => `${n}×${status}`);
  if (result.shed > 0) parts.unshift(`${result.shed} shed (503/429, p99 ${quantile([...result.shedLatenciesMs].sort((a, b) => a - b), 0.99).toFixed(0)} ms)`);
  if (result.socketErrors > 0) parts.push(`${result.socketErrors} socket errors (${[...result.socketErrorKinds].map(([kind, n]) => `${n}×${kind}`).join(', ')})`);
  if (result.timeouts > 0) parts.push(`${result.timeouts} timeouts`);
  if (result.unfinished > 0) parts.push(`${result.unfinished} answered after the window`);
  if (result.stalled > 0) parts.push(`${result.stalled} sent before the window and unanswered through it`);
  return parts.join(', ') || 'none';
}

/** CPU milliseconds per accepted answer: the server's, plus its Postgres backends'; NaN when none was accepted. */
export function cpuMsPerAccepted(report: PhaseReport): number {
  return report.perSecond > 0 ? ((report.cpu.server + report.cpu.postgres) * 1000) / report.perSecond : Number.NaN;
}

export function formatPhase(report: PhaseReport): string {
  const { cpu } = report;
  return [
    `${report.name}: ${report.perSecond.toFixed(0)}/s (${report.result.accepted} in ${(report.result.elapsedMs / 1000).toFixed(1)} s${report.result.exhausted ? ', ran out of entries' : ''})`,
    `  latency p50 ${report.p50Ms.toFixed(1)} ms, p99 ${report.p99Ms.toFixed(1)} ms; not counted: ${notCounted(report.result)}`,
    `  CPU (cores busy): server ${cpu.server.toFixed(2)}, generator ${cpu.generator.toFixed(2)}, postgres backends ${cpu.postgres.toFixed(2)}, machine ${cpu.machine.toFixed(2)} (other processes ${(cpu.machine - cpu.server - cpu.generator - cpu.postgres).toFixed(2)})`,
    ...(report.rssMiB ? [`  server resident set: ${report.rssMiB.end.toFixed(0)} MiB at the end of the phase, peak ${report.rssMiB.peak.toFixed(0)} MiB since it started`] : []),
    `  per server CPU-second: ${(report.result.accepted / (report.result.elapsedMs / 1000) / Math.max(cpu.server, 1e-9)).toFixed(0)}; per CPU-second of server + postgres: ${(report.result.accepted / (report.result.elapsedMs / 1000) / Math.max(cpu.server + cpu.postgres, 1e-9)).toFixed(0)}`,
  ].join('\n');
}
