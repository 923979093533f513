/**
 * TSA load benchmark over HTTP: the real `sigbox up --dev` in a child process (from the build, as `npm start` runs
 * it), then POST /api/v1/timestamp from C keep-alive connections (closed loop, bench/log/http-load.ts) for S seconds
 * after a warm-up, cycling 1,024 pre-made requests (DER `application/timestamp-query`, or the JSON form with
 * `--json`). Counted: only 200s that are a whole DER TimeStampResp with status granted and carry the digest of the
 * request they answer. `--workers N` serves with `sigbox up --workers N` (Postgres: BENCH_DATABASE_URL, else a fresh
 * database on the local server). Prints responses/s, p50/p99 and where the CPU went (server, generator, machine).
 * Run: `node --import tsx --conditions=@sigbox/source bench/tsa/http.ts [--concurrency 32] [--seconds 15]
 * [--warmup 3] [--workers N] [--json] [--cert] [--from-sources]`. Target (issue 15): ≥ 2,000/s, p99 ≤ 50 ms.
 */
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSigbox } from '@sigbox/testkit';
import { type BenchDatabase, openBenchDatabase } from '../log/database.js';
import { formatPhase, measurePhase } from '../log/phases.js';
import { sigboxBuild } from '../log/server-build.js';
import { timestampRequests } from './requests.js';

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    cert: { type: 'boolean', default: false },
    'from-sources': { type: 'boolean', default: false },
  },
});
const WORKERS = Number(flags.workers);
const START_TIMEOUT_MS = 120_000;
const TARGET = { perSecond: 2_000, p99Ms: 50 };
/** TimeStampResp ::= SEQUENCE { status PKIStatusInfo ::= SEQUENCE { status INTEGER 0 (granted) }, token }. */
const GRANTED = Buffer.from('3003020100', 'hex');

function machineLine(): string {
  return `node ${process.version}, nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

/** A whole DER SEQUENCE (long-form length) that starts with status granted and carries `digest`. */
function grantedFor(body: Buffer, digest: Buffer): boolean {
  if (body[0] !== 0x30 || body[1] !== 0x82 || body.readUInt16BE(2) + 4 !== body.length) return false;
  return body.subarray(4, 9).equals(GRANTED) && body.includes(digest);
}

async function main(): Promise<void> {
  console.log(machineLine());
  const bodies = timestampRequests(1024, { json: flags.json, cert: flags.cert }).map((b) => (typeof b === 'string' ? Buffer.from(b) : b));
  const digests = bodies.map((_, i) => crypto.createHash('sha256').update(`artifact ${i}`).digest());
  console.log(`${flags.json ? 'JSON' : 'DER'} requests${flags.cert ? ' with certReq' : ''}, concurrency ${flags.concurrency}, warm-up ${flags.warmup} s, measured ${flags.seconds} s`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-tsa-'));
  const args = ['--dev'];
  let database: BenchDatabase | undefined;
  if (WORKERS > 1) {
    database = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
    args.push('--workers', String(WORKERS), '--database-url', database.url);
  }
  console.log(`server processes ${WORKERS}${WORKERS > 1 ? ` (sigbox up --workers ${WORKERS}, Postgres)` : ' (sigbox up --dev, PGlite)'}`);
  const sigbox = await startSigbox({ dataDir, host: '127.0.0.1', args, startTimeoutMs: START_TIMEOUT_MS, ...sigboxBuild(flags['from-sources']) });
  try {
    let sent = 0;
    const digestOf = new Map(bodies.map((b, i) => [b, digests[i] as Buffer]));
    const contentType = flags.json ? 'application/json' : 'application/timestamp-query';
    const report = await measurePhase('sigbox POST /api/v1/timestamp (200, granted, the request digest inside)', { serverPid: sigbox.child.pid as number }, {
      url: sigbox.url, concurrency: Number(flags.concurrency), warmupMs: Number(flags.warmup) * 1000, durationMs: Number(flags.seconds) * 1000,
      next: () => {
        const body = bodies[sent++ % bodies.length] as Buffer;
        return { method: 'POST', path: '/api/v1/timestamp', body, contentType };
      },
      accept: (status, body, request) => status === 200 && grantedFor(body, digestOf.get(request.body as Buffer) as Buffer),
    });
    console.log(formatPhase(report));
    console.log(`\ntarget on 2 cores (issue 15): ≥ ${TARGET.perSecond} timestamps/s (${report.perSecond.toFixed(0)}), p99 ≤ ${TARGET.p99Ms} ms (${report.p99Ms.toFixed(1)})`);
    console.log(`after: ${machineLine()}`);
  } finally {
    const code = await sigbox.stop();
    if (code !== 0) console.error(`sigbox exited ${code}: ${sigbox.stderr()}`);
    await database?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
