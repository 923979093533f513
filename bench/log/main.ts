/**
 * Log load benchmark: the real `sigbox up` on PostgreSQL under C concurrent hashedrekord uploads for N
 * seconds, against a bare Express edge doing the same per-request work without database or tree; then
 * random inclusion-proof reads. Only 201s whose inclusion proof verifies against the returned checkpoint
 * count. Run: `node --import tsx --conditions=@sigbox/source bench/log/main.ts [--concurrency 64]
 * [--seconds 20] [--warmup 5] [--proof-seconds 10] [--profile DIR] [--workers N] [--skip-v2]`; after the v1 creates the
 * same server takes Rekor v2 appends (POST /api/v2/log/entries) for as long; BENCH_DATABASE_URL picks the database
 * (default: a fresh one on the local server). Numbers only, no pass/fail (targets in README.md).
 * `--sweep 64,256,1024,4096 [--rekor-tiles] [--skip-sigbox] [--rekor-tiles-debug-log] [--sweep-pool-rate 3000]
 * [--sigbox-arg=--max-connections --sigbox-arg=8192] [--profile DIR]`
 * runs the concurrency sweep instead (sweep.ts): Sigbox v1 creates, Sigbox v2 appends and upstream rekor-tiles'
 * v2 appends (rekor-tiles.ts) at each concurrency, a fresh server and tree per phase.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sigboxBuild } from './server-build.js';
import { startSigbox } from '@sigbox/testkit';
import { checkpointSignatureCheck, hasValidInclusionProof, hasValidV2InclusionProof } from './checks.js';
import { DEFAULT_ADMIN_URL, durabilitySettings, openBenchDatabase, transactionCount, watchBackends } from './database.js';
import { createProposedEntries, createV2Requests } from './entries.js';
import { formatPhase, measurePhase, type PhaseReport } from './phases.js';
import { startBareEdge } from './processes.js';
import { rekorTilesBinary } from './rekor-tiles.js';
import { runSweep, sigboxV2Keys } from './sweep.js';
import { formatRatioTable, formatSweepTable } from './sweep-table.js';

const { values: flags } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    'proof-seconds': { type: 'string', default: '10' },
    profile: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'from-sources': { type: 'boolean', default: false },
    'skip-v2': { type: 'boolean', default: false },
    sweep: { type: 'string' },
    'rekor-tiles': { type: 'boolean', default: false },
    'rekor-tiles-debug-log': { type: 'boolean', default: false },
    'sweep-pool-rate': { type: 'string', default: '3000' },
    'skip-sigbox': { type: 'boolean', default: false },
    'sigbox-arg': { type: 'string', multiple: true, default: [] },
  },
});
const CONCURRENCY = Number(flags.concurrency);
const SECONDS = Number(flags.seconds);
const WARMUP = Number(flags.warmup);
const PROOF_SECONDS = Number(flags['proof-seconds']);
/** `sigbox up --workers N`, and as many bare-edge processes: like is compared with like. */
const WORKERS = Number(flags.workers);
/** Entries made before the bare-edge run; it cycles them (no database, so repeats cost the same). */
const BARE_EDGE_POOL = 5_000;
/** Sigbox needs a distinct entry per request: the bare edge's rate is its ceiling, plus headroom. */
const POOL_HEADROOM = 1.5;
/** Floor for the Sigbox pool, in case the bare-edge run was starved by other load. */
const MIN_POOL = 3_000;
const STATS_SETTLE_MS = 1_500;
/** Every proof read is checked for a 200; one in this many is fully verified. */
const PROOF_VERIFY_EVERY = 16;

/** pg_stat_database lags by up to a second (PGSTAT_MIN_INTERVAL): wait before reading. */
async function settledTransactionCount(url: string): Promise<number> {
  await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
  return transactionCount(url);
}

function machineLine(): string {
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `node ${process.version}, nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${load}`;
}

async function bareEdgePhase(pool: Buffer[]): Promise<PhaseReport> {
  const edge = await startBareEdge(WORKERS);
  let i = 0;
  try {
    return await measurePhase('bare edge (parse + verify + SET, no database, no tree)', { serverPid: edge.pid }, {
      url: edge.url, concurrency: CONCURRENCY, warmupMs: WARMUP * 1000, durationMs: SECONDS * 1000,
      next: () => ({ method: 'POST', path: '/api/v1/log/entries', body: pool[i++ % pool.length] as Buffer }),
      accept: (status, body) => status === 201 && JSON.parse(body.toString('utf8')) !== undefined,
    });
  } finally {
    await edge.stop();
  }
}

async function sigboxPhases(databaseUrl: string, entries: Buffer[], v2Requests: Buffer[]): Promise<{ create: PhaseReport; createV2: PhaseReport | undefined; proofs: PhaseReport; treeSize: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-log-'));
  const nodeArgs = flags.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(flags.profile)] : [];
  const sigbox = await startSigbox({ dataDir, databaseUrl, host: '127.0.0.1', nodeArgs, args: ['--workers', String(WORKERS)], ...sigboxBuild(flags['from-sources']) });
  const backends = watchBackends(databaseUrl);
  const processes = { serverPid: sigbox.child.pid as number, postgresPids: backends.pids };
  try {
    let i = 0;
    const xactBefore = await transactionCount(databaseUrl);
    const create = await measurePhase('sigbox create (201 with a verified inclusion proof)', processes, {
      url: sigbox.url, concurrency: CONCURRENCY, warmupMs: WARMUP * 1000, durationMs: SECONDS * 1000,
      next: () => (i < entries.length ? { method: 'POST', path: '/api/v1/log/entries', body: entries[i++] as Buffer } : undefined),
      accept: (status, body) => status === 201 && hasValidInclusionProof(body),
    });
    // Rekor v2 on the same server, database and engine, right after v1: its own tree, Ed25519 checkpoints.
    let j = 0;
    const signed = v2Requests.length === 0 ? undefined : checkpointSignatureCheck(await sigboxV2Keys(sigbox.url));
    const createV2 =
      v2Requests.length === 0
        ? undefined
        : await measurePhase('sigbox v2 append (201 TransparencyLogEntry with a verified inclusion proof)', processes, {
            url: sigbox.url, concurrency: CONCURRENCY, warmupMs: WARMUP * 1000, durationMs: SECONDS * 1000,
            next: () => (j < v2Requests.length ? { method: 'POST', path: '/api/v2/log/entries', body: v2Requests[j++] as Buffer } : undefined),
            accept: (status, body) => status === 201 && hasValidV2InclusionProof(body, signed),
          });
    const { treeSize } = (await (await fetch(`${sigbox.url}/api/v1/log`)).json()) as { treeSize: number };
    const xactCreated = await settledTransactionCount(databaseUrl);
    console.log(`  Postgres transactions per created v1 entry (all create phases of the run, v2 too, incl. warm-up): ${((xactCreated - xactBefore) / treeSize).toFixed(2)}`);
    let reads = 0;
    const proofs = await measurePhase(`sigbox inclusion proofs (GET entry by random index of ${treeSize}, 1 in ${PROOF_VERIFY_EVERY} verified)`, processes, {
      url: sigbox.url, concurrency: CONCURRENCY, warmupMs: WARMUP * 1000, durationMs: PROOF_SECONDS * 1000,
      next: () => ({ method: 'GET', path: `/api/v1/log/entries?logIndex=${Math.floor(Math.random() * treeSize)}` }),
      accept: (status, body) => status === 200 && (reads++ % PROOF_VERIFY_EVERY !== 0 || hasValidInclusionProof(body)),
    });
    const xactRead = await settledTransactionCount(databaseUrl);
    console.log(`  Postgres transactions per proof read (incl. warm-up): ${((xactRead - xactCreated) / reads).toFixed(2)}`);
    return { create, createV2, proofs, treeSize };
  } finally {
    await backends.stop();
    const code = await sigbox.stop();
    if (code !== 0) console.error(`sigbox exited ${code}: ${sigbox.stderr()}`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The sweep: entries prepared once for the fastest rate expected (`--sweep-pool-rate` per second of warm-up and
 * measurement; a phase that runs out says so), shared by every phase since each starts a fresh tree.
 */
async function sweep(concurrencies: number[]): Promise<void> {
  if (flags['rekor-tiles']) console.log(`rekor-tiles: ${rekorTilesBinary()}`);
  if (process.env.BENCH_DATABASE_URL) console.log('BENCH_DATABASE_URL is ignored by the sweep: every Sigbox phase gets a fresh database');
  const settings = await durabilitySettings(DEFAULT_ADMIN_URL);
  console.log(`PostgreSQL ${settings.version}: fsync ${settings.fsync}, synchronous_commit ${settings.synchronousCommit}`);
  if (settings.fsync !== 'on' || settings.synchronousCommit !== 'on') throw new Error('fsync and synchronous_commit must both be on');
  const fromBuild = sigboxBuild(flags['from-sources']).fromBuild;
  const count = Math.ceil(Number(flags['sweep-pool-rate']) * (WARMUP + SECONDS));
  const made = performance.now();
  const v1Entries = flags['skip-sigbox'] ? [] : createProposedEntries(count, `sweep-${Date.now()}`);
  const v2Requests = createV2Requests(count, `sweep-${Date.now()}`);
  console.log(`made ${v1Entries.length} v1 entries and ${count} v2 requests (own key and artifact each) in ${((performance.now() - made) / 1000).toFixed(1)} s`);
  console.log(`concurrency ${concurrencies.join(', ')}; warm-up ${WARMUP} s, measured ${SECONDS} s per phase; a fresh server and tree per phase`);
  const rows = await runSweep({
    concurrencies, warmupMs: WARMUP * 1000, durationMs: SECONDS * 1000, fromBuild, v1Entries, v2Requests,
    rekorTiles: flags['rekor-tiles'], rekorTilesDebugLog: flags['rekor-tiles-debug-log'], skipSigbox: flags['skip-sigbox'],
    sigboxArgs: flags['sigbox-arg'], profileDir: flags.profile === undefined ? undefined : path.resolve(flags.profile),
  });
  console.log(`\n${formatSweepTable(rows)}\n`);
  const ratios = formatRatioTable(rows);
  if (ratios !== '') console.log(`${ratios}\n`);
  console.log(`after: ${machineLine()}`);
}

async function main(): Promise<void> {
  console.log(machineLine());
  if (flags.sweep !== undefined) return sweep(flags.sweep.split(',').map(Number));
  const database = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
  try {
    const settings = await durabilitySettings(database.url);
    console.log(`PostgreSQL ${settings.version}: fsync ${settings.fsync}, synchronous_commit ${settings.synchronousCommit}`);
    if (settings.fsync !== 'on' || settings.synchronousCommit !== 'on') throw new Error('fsync and synchronous_commit must both be on');
    console.log(`server processes ${WORKERS} (sigbox up --workers ${WORKERS}; the bare edge as many)`);
    console.log(`concurrency ${CONCURRENCY}, warm-up ${WARMUP} s, measured ${SECONDS} s, proofs ${PROOF_SECONDS} s`);

    const bare = await bareEdgePhase(createProposedEntries(BARE_EDGE_POOL, 'bare'));
    console.log(formatPhase(bare));
    const needed = Math.max(MIN_POOL, Math.ceil(bare.perSecond * (WARMUP + SECONDS) * POOL_HEADROOM));
    const made = performance.now();
    const entries = createProposedEntries(needed, `sigbox-${Date.now()}`);
    console.log(`made ${needed} distinct entries (own key and artifact each) in ${((performance.now() - made) / 1000).toFixed(1)} s`);

    const v2Requests = flags['skip-v2'] ? [] : createV2Requests(needed, `sigbox-${Date.now()}`);
    const { create, createV2, proofs } = await sigboxPhases(database.url, entries, v2Requests);
    console.log(formatPhase(create));
    if (createV2) console.log(formatPhase(createV2));
    console.log(formatPhase(proofs));
    console.log(`\nsigbox / bare edge = ${(create.perSecond / bare.perSecond).toFixed(2)} (target ≥ 0.70, p99 ≤ 500 ms); proofs ${proofs.perSecond.toFixed(0)}/s (target ≥ 10,000)`);
    if (createV2) console.log(`v2 appends / v1 creates = ${(createV2.perSecond / create.perSecond).toFixed(2)} (same server and database, one after the other)`);
    console.log(`after: ${machineLine()}`);
  } finally {
    await database.dispose();
  }
}

await main();
