// Sigbox while its database comes and goes: a PostgreSQL cluster of the suite's own (initdb/pg_ctl, a free port) is
// stopped, restarted and cut off by a TCP proxy the test controls, and the `sigbox up` process in front of it is sent
// SIGTERM and SIGKILL, all under concurrent Rekor creates and CA certificates (each with its CT precertificate).
// Throughout, every answer is 2xx/4xx or a 503 with Retry-After, never another 5xx and never later than its bound;
// after each fault the process is alive (or restarted by the test); at the end every acknowledged entry is in the
// Rekor log exactly once at its index, every issued certificate's precertificate is in the CT log exactly once, and
// every checkpoint seen is consistent with the final tree. PostgreSQL only: it runs in .ci/run's Postgres pass and
// skips without TEST_DATABASE_URL (failing instead under CI=true with SIGBOX_REQUIRE_POSTGRES=1).
import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encoding } from '@sigbox/core';
import { MAX_GET_ENTRIES, decodePrecertExtraData } from '@sigbox/ctlog';
import { type Database, createDb, sql } from '@sigbox/db';
import { type SigboxProcess, requirePostgres, startSigbox, unavailable } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcked, checkCheckpoints, checkEntriesByIndex, checkTree } from '../helpers/crash-checks.js';
import { prepareHashedRekords } from '../helpers/crash-entries.js';
import { getJson, readFinalTree } from '../helpers/crash-tree.js';
import { type WriteOutcomes, runWriters } from '../helpers/crash-writers.js';
import { type Bounds, type CertificateOutcomes, type Observations, observe, runCertificateWriters } from './load.js';
import { type PgCluster, PG_BIN, clusterToolsAvailable, createPgCluster } from './pg-cluster.js';
import { type TcpProxy, startTcpProxy } from './tcp-proxy.js';

const HAS_POSTGRES = requirePostgres('faults/database-faults.test.ts');
const CAN_RUN = HAS_POSTGRES && (clusterToolsAvailable() || (unavailable(`initdb and pg_ctl in ${PG_BIN}`, 'the fault suite runs a PostgreSQL cluster of its own (Debian package postgresql-15)') ?? false));

/** `sigbox up --database-timeout`: connect and statement timeouts of 2 s (the client gives up on a statement 1 s later). */
const DATABASE_TIMEOUT_S = 2;
/**
 * "Answered, not hung", generous for a loaded two-core machine: /healthz has a 500 ms deadline of its own (the unit
 * suite holds it to a second); a create waits out at most a sequencing and an integration statement (3 s each here).
 */
const BOUNDS: Bounds = { healthMs: 2_000, requestMs: 15_000 };
const REKOR_WRITERS = 4;
const CA_WRITERS = 2;
const ENTRY_POOL = 20_000;
/** Normal traffic before each fault, so that every fault meets requests at every stage. */
const LOAD_MS = 1_500;
/** How long the database stays stopped. */
const STOPPED_MS = 4_000;
/** Longer than the connect (2 s) and query (3 s) timeouts together: requests meet them, the pool replaces its connections. */
const PARTITION_MS = 7_000;
/** After a fault: until a create is acknowledged again. */
const RECOVERY_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 60_000;
const SCENARIO_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe.skipIf(!CAN_RUN)('Sigbox while its database comes and goes', () => {
  let cluster: PgCluster;
  let proxy: TcpProxy;
  let direct: Database;
  let dataDir: string;
  let port: number;
  let sigbox: SigboxProcess | undefined;
  let logKey: KeyObject;
  let loading = true;
  let rekor: Promise<WriteOutcomes>;
  let certificates: Promise<CertificateOutcomes>;
  let observing: Promise<void>;
  let written: WriteOutcomes | undefined;
  const seen: Observations = { answers: new Map(), checkpoints: new Set(), slowestMs: new Map(), unexpected: [] };

  const url = () => sigbox?.url;
  const alive = () => sigbox !== undefined && sigbox.child.exitCode === null && sigbox.child.signalCode === null;

  async function start(): Promise<void> {
    sigbox = await startSigbox({
      dataDir,
      databaseUrl: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
      host: '127.0.0.1',
      port,
      args: ['--dev', '--database-timeout', String(DATABASE_TIMEOUT_S), '--database-wait', '30'],
      startTimeoutMs: START_TIMEOUT_MS,
    });
  }

  /** The Rekor tree's integrated size, read past the proxy (undefined while the database is away). */
  async function rekorSize(): Promise<bigint | undefined> {
    const { rows } = await sql<{ size: bigint }>`
      SELECT i.size FROM log_integration i JOIN log_trees t USING (tree_id) WHERE t.name = 'rekor'`
      .execute(direct.kysely)
      .catch(() => ({ rows: [] }));
    return rows[0]?.size;
  }

  /** Until the writers' creates are integrated again after the fault, the process alive all along. */
  async function recovered(): Promise<void> {
    const deadline = performance.now() + RECOVERY_TIMEOUT_MS;
    let before: bigint | undefined;
    for (;;) {
      if (!alive()) throw new Error(`sigbox died: ${sigbox?.stderr().slice(-3000)}`);
      if (performance.now() > deadline) throw new Error(`the log did not grow within ${RECOVERY_TIMEOUT_MS} ms after the fault`);
      const size = await rekorSize();
      before ??= size;
      if (before !== undefined && size !== undefined && size > before) return;
      await sleep(100);
    }
  }

  function expectNothingUnexpected(): void {
    expect(seen.unexpected).toEqual([]);
  }

  beforeAll(async () => {
    cluster = await createPgCluster(await freePort());
    proxy = await startTcpProxy({ host: '127.0.0.1', port: cluster.port });
    direct = createDb({ url: cluster.url, maxConnections: 2 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'sigbox-faults-'));
    // One port for every start, so the development issuer's URL and its tokens stay valid across restarts.
    port = await freePort();
    await start();
    logKey = createPublicKey(await (await fetch(`${url()}/api/v1/log/publicKey`)).text());

    const entries = prepareHashedRekords(ENTRY_POOL);
    const stop = () => !loading;
    rekor = runWriters({ entries, writers: REKOR_WRITERS, targets: () => [url()], stop });
    certificates = runCertificateWriters({ writers: CA_WRITERS, target: url, stop, bounds: BOUNDS });
    observing = observe({ target: url, stop, bounds: BOUNDS }, seen);
  }, SCENARIO_TIMEOUT_MS);

  afterAll(async () => {
    loading = false;
    await Promise.allSettled([rekor, certificates, observing]);
    await sigbox?.kill();
    await direct?.close();
    await proxy?.close();
    await cluster?.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves under load before any fault', async () => {
    await sleep(LOAD_MS);
    expect(alive()).toBe(true);
    expect(seen.answers.get('/healthz 200')).toBeGreaterThan(0);
    expectNothingUnexpected();
  });

  it('answers 503 with Retry-After while PostgreSQL is stopped, and writes again once it is back', async () => {
    await cluster.stop();
    await sleep(STOPPED_MS);
    expect(alive()).toBe(true);
    await cluster.start();
    await recovered();
    expect(seen.answers.get('/api/v1/log 503')).toBeGreaterThan(0);
    expect(seen.answers.get('/healthz 503')).toBeGreaterThan(0);
    expectNothingUnexpected();
  }, SCENARIO_TIMEOUT_MS);

  it('lives through a PostgreSQL restart under write load (pg_ctl restart -m fast)', async () => {
    await sleep(LOAD_MS);
    await cluster.restart();
    await recovered();
    expectNothingUnexpected();
  }, SCENARIO_TIMEOUT_MS);

  it('answers within its timeouts behind a partition (a proxy that stops forwarding), and writes again once healed', async () => {
    await sleep(LOAD_MS);
    const before = seen.answers.get('/healthz 503') ?? 0;
    proxy.partition();
    await sleep(PARTITION_MS);
    expect(alive()).toBe(true);
    proxy.heal();
    await recovered();
    // The observer counts an answer later than its bound as unexpected; /healthz said NOT_SERVING meanwhile.
    expectNothingUnexpected();
    expect(seen.answers.get('/healthz 503') ?? 0).toBeGreaterThan(before);
  }, SCENARIO_TIMEOUT_MS);

  it('lives through connections reset under it', async () => {
    await sleep(LOAD_MS);
    proxy.reset();
    await recovered();
    expectNothingUnexpected();
  }, SCENARIO_TIMEOUT_MS);

  it('shuts down gracefully on SIGTERM under load (exit 0), and starts again', async () => {
    await sleep(LOAD_MS);
    const stopping = sigbox as SigboxProcess;
    sigbox = undefined;
    expect(await stopping.stop()).toBe(0);
    await start();
    await recovered();
    expectNothingUnexpected();
  }, SCENARIO_TIMEOUT_MS);

  it('starts again after SIGKILL under load, integrating what was left sequenced', async () => {
    await sleep(LOAD_MS);
    const killed = sigbox as SigboxProcess;
    sigbox = undefined;
    await killed.kill();
    await start();
    await recovered();
    expectNothingUnexpected();
  }, SCENARIO_TIMEOUT_MS);

  it('holds every acknowledged entry once at its index, every issued certificate’s precertificate in the CT log, every checkpoint consistent', async () => {
    loading = false;
    written = await rekor;
    const issued = await certificates;
    await observing;
    const base = url() as string;
    await settled();
    const tree = await readFinalTree(base, logKey);
    const logged = await precertificateSerials(base);
    console.log(
      `faults: ${written.acked.length} creates acknowledged, ${written.duplicates.length} answered 409, ${written.inDoubt.length} in doubt, ` +
        `retries ${JSON.stringify(written.retries)}; ${issued.issued.length} certificates issued, ${issued.unavailable} answered 503, ${issued.broken} broken; ` +
        `answers ${JSON.stringify(Object.fromEntries(seen.answers))}, slowest ms ${JSON.stringify(Object.fromEntries([...seen.slowestMs].map(([k, v]) => [k, Math.round(v)])))}; ` +
        `final Rekor size ${tree.checkpoint.size}, CT precertificates ${logged.length}`,
    );
    expect(written.unexpected).toEqual([]);
    expect(issued.unexpected).toEqual([]);
    expectNothingUnexpected();
    expect(written.acked.length).toBeGreaterThan(0);
    expect(issued.issued.length).toBeGreaterThan(0);

    const { problems } = checkTree(tree, written);
    expect(problems).toEqual([]);
    expect(checkAcked(written.acked, logKey, seen.checkpoints)).toEqual([]);
    expect(await checkEntriesByIndex(base, tree, logKey)).toEqual([]);
    expect(await checkCheckpoints(base, seen.checkpoints, tree.checkpoint, logKey)).toEqual([]);

    const times = new Map<string, number>();
    for (const serial of logged) times.set(serial, (times.get(serial) ?? 0) + 1);
    expect(issued.issued.filter((serial) => times.get(serial) !== 1)).toEqual([]);
  }, SCENARIO_TIMEOUT_MS);

  /** Until nothing sequenced is left unintegrated in either tree. */
  async function settled(): Promise<void> {
    const deadline = performance.now() + RECOVERY_TIMEOUT_MS;
    for (;;) {
      const { rows } = await sql<{ left: bigint }>`
        SELECT coalesce(sum(s.next_index - i.size), 0) AS left FROM log_sequence s JOIN log_integration i USING (tree_id)`.execute(direct.kysely);
      if (BigInt(rows[0]?.left ?? 0) === 0n) return;
      if (performance.now() > deadline) throw new Error(`${rows[0]?.left} entries still unintegrated`);
      await sleep(200);
    }
  }
});

/** Serial numbers (hex) of every precertificate in the CT log, read through get-sth and get-entries. */
async function precertificateSerials(base: string): Promise<string[]> {
  const { tree_size: size } = await getJson<{ tree_size: number }>(`${base}/ct/v1/get-sth`);
  const serials: string[] = [];
  while (serials.length < size) {
    const start = serials.length;
    const end = Math.min(start + MAX_GET_ENTRIES, size) - 1;
    const { entries } = await getJson<{ entries: Array<{ extra_data: string }> }>(`${base}/ct/v1/get-entries?start=${start}&end=${end}`);
    if (entries.length === 0) throw new Error(`get-entries from ${start}: nothing`);
    for (const entry of entries) serials.push(new X509Certificate(decodePrecertExtraData(encoding.fromBase64(entry.extra_data)).precertificate).serialNumber);
  }
  return serials;
}
