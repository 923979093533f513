/**
 * Memory under sustained mixed load: one `sigbox up --dev` on PostgreSQL takes CA certificates (each logged in its
 * CT log) and Rekor creates at the same time, with proof reads beside them, for S seconds; the server's resident
 * set (VmRSS from /proc) and its main JavaScript heap and external memory (its own /metrics) are sampled every few
 * seconds, and the peak resident set over the run is reported (VmHWM). The server runs from the build, as
 * `npm start` runs it (the bench builds first), or with --from-sources from the TypeScript sources through tsx.
 * Run: `node --import tsx --conditions=@sigbox/source bench/memory/main.ts [--seconds 120] [--concurrency 24]
 * [--sample 5] [--from-sources]` (`npm run bench:memory`). Extra environment for the server (an allocator setting, say) passes through
 * `SIGBOX_BENCH_ENV='NAME=value …'`, extra `sigbox up` arguments through `SIGBOX_BENCH_ARGS` (`--entry-cache-mib 16`). Numbers only: no pass/fail (README.md has the figures and the goal).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSigbox } from '@sigbox/testkit';
import { EMAIL, signingRequests } from '../ca/signing-requests.js';
import { openBenchDatabase } from '../log/database.js';
import { sigboxBuild } from '../log/server-build.js';
import { createProposedEntries } from '../log/entries.js';
import { type LoadResult, runLoad } from '../log/http-load.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '24' },
    sample: { type: 'string', default: '5' },
    'from-sources': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const CONCURRENCY = Number(flags.concurrency);
const SAMPLE_MS = Number(flags.sample) * 1000;
const MIB = 1024 * 1024;

/** A /proc/<pid>/status field in MiB (VmRSS: resident now; VmHWM: the peak so far). */
function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+)\s*kB/.exec(line)?.[1] ?? 0) / 1024;
}

/** The threads of the server process (the event loop, the log writers, libuv's pool, V8's helpers). */
function threadCount(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Threads:')) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? 0);
}

/**
 * Where the resident set is, from /proc/<pid>/smaps, in MiB: glibc's main heap (`[heap]`), anonymous mappings (V8's
 * heaps of every isolate, glibc's other arena, thread stacks), the node binary's own pages, and everything else.
 */
function residentByMapping(pid: number): Record<string, number> {
  const totals: Record<string, number> = { '[heap]': 0, anonymous: 0, 'node binary': 0, other: 0 };
  let kind = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1] ?? '';
      kind = name === '[heap]' ? '[heap]' : name === '' ? 'anonymous' : name === process.execPath || name.endsWith('/bin/node') ? 'node binary' : 'other';
    } else if (line.startsWith('Rss:')) totals[kind] = (totals[kind] ?? 0) + Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
  }
  return totals;
}

/** Gauges of the main thread's own /metrics (prom-client's default metrics), in MiB. */
async function heapMiB(url: string): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / MIB;
  return { heapUsed: gauge('nodejs_heap_size_used_bytes'), heapTotal: gauge('nodejs_heap_size_total_bytes'), external: gauge('nodejs_external_memory_bytes') };
}

function serverEnv(): Record<string, string> {
  const pairs = (process.env.SIGBOX_BENCH_ENV ?? '').split(/\s+/).filter((p) => p.includes('='));
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

const accepted = (r: LoadResult) => `${r.accepted} (${(r.accepted / SECONDS).toFixed(0)}/s)${r.rejected.size ? `, not accepted ${JSON.stringify(Object.fromEntries(r.rejected))}` : ''}`;

async function main(): Promise<void> {
  const env = serverEnv();
  console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`mixed load ${SECONDS} s: CA certificates with CT, Rekor creates and proof reads, ${CONCURRENCY} connections each; server env ${JSON.stringify(env)}, extra arguments '${process.env.SIGBOX_BENCH_ARGS ?? ''}'`);
  const { fromBuild } = sigboxBuild(flags['from-sources']);
  const database = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-memory-'));
  const args = ['--dev', ...(process.env.SIGBOX_BENCH_ARGS ?? '').split(/\s+/).filter(Boolean)];
  const sigbox = await startSigbox({ dataDir, host: '127.0.0.1', databaseUrl: database.url, args, env, fromBuild, startTimeoutMs: 120_000 });
  const pid = sigbox.child.pid as number;
  try {
    const token = ((await (await fetch(`${sigbox.url}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL }) })).json()) as { id_token: string }).id_token;
    // Distinct entries and keys throughout, as real clients send: ≈ 1,500/s of each at most on two cores.
    const entries = createProposedEntries(Math.min(200_000, 1_500 * SECONDS), 'memory');
    const certs = signingRequests(token, EMAIL, 2_000);
    const idle = { rss: statusMiB(pid, 'VmRSS'), ...(await heapMiB(sigbox.url)), threads: threadCount(pid) };
    console.log(`idle after start: RSS ${idle.rss.toFixed(0)} MiB, heap used ${idle.heapUsed.toFixed(0)} MiB, external ${idle.external.toFixed(0)} MiB, ${idle.threads} threads`);
    console.log('   t   RSS MiB   heap used / total MiB   external MiB   threads');
    const started = performance.now();
    const sampler = setInterval(() => {
      void heapMiB(sigbox.url).then((heap) => {
        const t = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
        const used = `${heap.heapUsed.toFixed(0)} / ${heap.heapTotal.toFixed(0)}`;
        console.log(`${t}   ${statusMiB(pid, 'VmRSS').toFixed(0).padStart(7)}   ${used.padStart(21)}   ${heap.external.toFixed(0).padStart(12)}   ${String(threadCount(pid)).padStart(7)}`);
      });
    }, SAMPLE_MS);
    let entry = 0;
    let cert = 0;
    // Indices of acknowledged entries: a proof read asks for one of them.
    const logged: number[] = [];
    const common = { url: sigbox.url, concurrency: CONCURRENCY, warmupMs: 0, durationMs: SECONDS * 1000 };
    const [ca, creates, proofs] = await Promise.all([
      runLoad({ ...common, next: () => ({ method: 'POST', path: '/api/v2/signingCert', body: certs[cert++ % certs.length] as Buffer }), accept: (s) => s === 200 }),
      runLoad({
        ...common,
        next: () => (entry < entries.length ? { method: 'POST', path: '/api/v1/log/entries', body: entries[entry++] as Buffer } : undefined),
        accept: (s, body) => {
          if (s !== 201) return false;
          logged.push((Object.values(JSON.parse(body.toString('utf8')) as Record<string, { logIndex: number }>)[0] as { logIndex: number }).logIndex);
          return true;
        },
      }),
      runLoad({ ...common, concurrency: Math.max(1, CONCURRENCY / 4), next: () => ({ method: 'GET', path: `/api/v1/log/entries?logIndex=${logged[Math.floor(Math.random() * logged.length)] ?? 0}` }), accept: (s) => s === 200 }),
    ]);
    clearInterval(sampler);
    const end = { rss: statusMiB(pid, 'VmRSS'), peak: statusMiB(pid, 'VmHWM'), ...(await heapMiB(sigbox.url)) };
    console.log(`certificates ${accepted(ca)}; creates ${accepted(creates)}; proof reads ${accepted(proofs)}`);
    console.log(`end: RSS ${end.rss.toFixed(0)} MiB, peak RSS ${end.peak.toFixed(0)} MiB, heap used ${end.heapUsed.toFixed(0)} of ${end.heapTotal.toFixed(0)} MiB, external ${end.external.toFixed(0)} MiB`);
    const mappings = Object.entries(residentByMapping(pid)).map(([name, mib]) => `${name} ${mib.toFixed(0)}`);
    console.log(`end: resident MiB by mapping: ${mappings.join(', ')}`);
  } finally {
    await sigbox.stop();
    await database.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
