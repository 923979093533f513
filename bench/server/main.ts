/**
 * The request pipeline against Express as a host and against a bare node:http listener: the same two operations
 * (host.ts) served each way in child processes, loaded alternately from C keep-alive connections, and the server
 * process's CPU per request read from /proc. It is the measured reason Sigbox reads bodies, routes and writes
 * answers itself (README.md, docs/design/server.md).
 * Run: `node --import tsx --conditions=@sigbox/source bench/server/main.ts [--concurrency 32] [--seconds 8]
 * [--warmup 2] [--rounds 3]` (`npm run bench:server`). Numbers only: no pass/fail.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type LoadRequest, quantile, runLoad } from '../log/http-load.js';

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
  },
});
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const WRITE_BODY = Buffer.from(JSON.stringify({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: { pad: 'y'.repeat(1400) } }));

/**
 * User + system CPU seconds of the host process alone (/proc/<pid>/stat fields 14 and 15, 100 ticks a second):
 * not its descendants, since tsx's esbuild helper may come and go during a run.
 */
function hostCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startHost(kind: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sigbox/source', path.join(HERE, 'host.ts'), kind], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  for (let waited = 0; waited < 60_000; waited += 100) {
    const url = /listening on (http:\/\/\S+)/.exec(err)?.[1];
    if (url !== undefined) return { url, pid: child.pid as number, stop };
    if (child.exitCode !== null) throw new Error(`host ${kind} exited: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`host ${kind} did not start: ${err}`);
}

async function measure(kind: string, request: LoadRequest, status: number) {
  const host = await startHost(kind);
  let cpuAtStart = 0;
  let cpuAtEnd = 0;
  try {
    const result = await runLoad({
      url: host.url,
      concurrency: Number(flags.concurrency),
      warmupMs: Number(flags.warmup) * 1000,
      durationMs: Number(flags.seconds) * 1000,
      next: () => request,
      accept: (s) => s === status,
      onWindow: (edge) => (edge === 'start' ? (cpuAtStart = hostCpuSeconds(host.pid)) : (cpuAtEnd = hostCpuSeconds(host.pid))),
    });
    const sorted = [...result.latenciesMs].sort((a, b) => a - b);
    const rejected = [...result.rejected.values()].reduce((a, b) => a + b, 0);
    return {
      perSecond: result.accepted / Number(flags.seconds),
      cpuMicros: ((cpuAtEnd - cpuAtStart) * 1e6) / Math.max(1, result.accepted),
      p99: quantile(sorted, 0.99),
      rejected,
    };
  } finally {
    await host.stop();
  }
}

const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${load}`);
console.log(`C = ${flags.concurrency}, warm-up ${flags.warmup} s, measured ${flags.seconds} s, hosts alternated, ${flags.rounds} rounds`);
const cases: Array<[string, LoadRequest, number]> = [
  ['GET  read (1.5 KB of serialized JSON)', { method: 'GET', path: '/read?logIndex=7' }, 200],
  ['POST write (1.5 KB JSON body)', { method: 'POST', path: '/write', body: WRITE_BODY }, 201],
];
for (const [name, request, status] of cases) {
  for (let round = 1; round <= Number(flags.rounds); round++) {
    for (const kind of ['pipeline', 'express', 'bare']) {
      const r = await measure(kind, request, status);
      console.log(`${name} | ${kind.padEnd(8)} | round ${round} | ${r.perSecond.toFixed(0).padStart(6)}/s | ${r.cpuMicros.toFixed(1).padStart(6)} µs CPU/request | p99 ${r.p99.toFixed(1)} ms | not accepted ${r.rejected}`);
    }
  }
}
