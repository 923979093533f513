// Crash safety of the log (docs/design/log.md "Crash at each step"): two `sigbox up` processes share one
// PostgreSQL database and log key while concurrent writers post entries and the test SIGKILLs the processes
// in turn. Needs TEST_DATABASE_URL (an admin URL of a PostgreSQL server): several processes on one database
// is what this checks, and PGlite cannot be shared. Without it the suite skips, except under CI=true with
// SIGBOX_REQUIRE_POSTGRES=1 (.ci/run's Postgres pass), where it fails.
import crypto, { type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from '@sigbox/db';
import { type SigboxProcess, type TestDatabase, TEST_KEY_PASSPHRASE, createTestDatabase, ensureTestKeyring, requirePostgres, startSigbox } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcked, checkCheckpoints, checkEntriesByIndex, checkTree } from './helpers/crash-checks.js';
import { pollCheckpoints } from './helpers/crash-checkpoints.js';
import { prepareHashedRekords } from './helpers/crash-entries.js';
import { getJson, openLogCheckpoint, readFinalTree } from './helpers/crash-tree.js';
import { runWriters } from './helpers/crash-writers.js';

const WRITERS = 8;
const KILLS = 6;
const KILL_INTERVAL_MS = 1_500;
/** How long both processes serve before the next kill, at least. */
const BOTH_UP_MS = 500;
/** A writer waits at least one batch linger (20 ms) per entry: 8 × 50/s × 30 s of writing stays below this. */
const ENTRY_POOL = 12_000;
// 25-70 s measured on a busy two-core machine; process starts (≈1 s idle) slow down most under load.
const TEST_TIMEOUT_MS = 150_000;
/** `sigbox up` on Postgres starts in about a second; allow for a loaded CI machine. */
const START_TIMEOUT_MS = 30_000;

const HAS_POSTGRES = requirePostgres('log-crash.test.ts');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Entries sequenced but not integrated (log_sequence.next_index − log_integration.size). */
async function unintegrated(db: TestDatabase): Promise<bigint> {
  const { rows } = await sql<{ n: bigint }>`
    SELECT s.next_index - i.size AS n FROM log_sequence s JOIN log_integration i USING (tree_id)
    JOIN log_trees t USING (tree_id) WHERE t.name = 'rekor'`.execute(db.kysely);
  return BigInt(rows[0]?.n ?? -1n);
}

const exited = (p: SigboxProcess) => p.child.exitCode !== null || p.child.signalCode !== null;

/**
 * One of the two `sigbox up` processes, started again on a new port after each kill. `running` is set only
 * between the `listening on` line and the kill, so writers never pick a process known to be down.
 */
interface CrashTarget {
  running: SigboxProcess | undefined;
  /** How long each start took, spawn to `listening on`, in ms. */
  startTimes: number[];
}

describe.skipIf(!HAS_POSTGRES)('log crash safety: two processes on one PostgreSQL, SIGKILLed in turn', () => {
  let db: TestDatabase;
  let dir: string;
  let logKey: KeyObject;
  let keysDir: string;
  const processes: CrashTarget[] = [{ running: undefined, startTimes: [] }, { running: undefined, startTimes: [] }];
  // Read by the writers and the poller; afterAll clears them too, so a failed run leaves nothing looping.
  let writing = true;
  let polling = true;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres' });
    dir = await mkdtemp(path.join(tmpdir(), 'sigbox-crash-'));
    // One keyring for both, made before either starts (they must sign with the same keys).
    keysDir = await ensureTestKeyring(path.join(dir, 'keys'));
    const keyring = JSON.parse(await readFile(path.join(keysDir, 'keyring.json'), 'utf8')) as { keys: Array<{ role: string; publicKey: string }> };
    logKey = crypto.createPublicKey(keyring.keys.find((k) => k.role === 'rekor')?.publicKey as string);
  });

  async function start(target: CrashTarget): Promise<void> {
    // One data folder too (a process whose key is not its tree's refuses to start).
    const started = await startSigbox({
      dataDir: path.join(dir, 'data'), databaseUrl: db.url as string, host: '127.0.0.1', args: ['--keys', keysDir], env: { SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE }, startTimeoutMs: START_TIMEOUT_MS,
    });
    target.startTimes.push(started.startMs);
    target.running = started;
  }
  /** SIGKILL: no shutdown hooks, open transactions and sockets die with the process. */
  async function kill(target: CrashTarget): Promise<void> {
    const running = target.running;
    target.running = undefined;
    await running?.kill();
  }
  /** The processes that died without being killed by the test (crashes worth reporting), by their stderr. */
  const crashed = () => processes.flatMap(({ running }) => (running !== undefined && exited(running) ? [running.stderr()] : []));

  afterAll(async () => {
    writing = false;
    polling = false;
    await Promise.all(processes.map(kill));
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged entry once, indices gapless and every checkpoint consistent', async () => {
    const started = performance.now();
    const entries = prepareHashedRekords(ENTRY_POOL);
    await Promise.all(processes.map(start));
    const targets = () => processes.map((p) => p.running?.url);
    const seen = new Set<string>();
    const polls = pollCheckpoints(targets, seen, () => !polling);
    const outcomes = runWriters({ entries, writers: WRITERS, targets, stop: () => !writing });

    const restarts: Array<Promise<void>> = [];
    for (let round = 0; round < KILLS; round++) {
      const victim = processes[round % 2] as CrashTarget;
      // Kill only once the other one has served a while too: the writers then have somewhere to go, and the
      // victim dies with requests at every stage rather than with all of them queued while it served alone.
      await Promise.all([sleep(KILL_INTERVAL_MS), restarts.at(-1)?.then(() => sleep(BOTH_UP_MS))]);
      expect(crashed()).toEqual([]);
      await kill(victim);
      restarts.push(start(victim));
    }
    await Promise.all(restarts);
    // Last, both at once: entries sequenced but not integrated now have only start-up recovery to finish them.
    await sleep(BOTH_UP_MS);
    await Promise.all(processes.map(kill));
    const leftForRecovery = await unintegrated(db);
    await Promise.all(processes.map(start));
    await sleep(BOTH_UP_MS);
    writing = false;
    const written = await outcomes;
    // Survivors settle: nothing sequenced may stay unintegrated, and both serve the same tree head.
    await sleep(200);
    polling = false;
    const pollCount = await polls;
    const [a, b] = processes.map((p) => p.running?.url as string) as [string, string];
    const tree = await readFinalTree(a, logKey);
    const headB = openLogCheckpoint((await getJson<{ signedTreeHead: string }>(`${b}/api/v1/log`)).signedTreeHead, logKey);
    const { rows } = await sql<{ next_index: bigint; entries: bigint }>`
      SELECT s.next_index, (SELECT count(*) FROM log_entries e WHERE e.tree_id = s.tree_id) AS entries
      FROM log_sequence s JOIN log_trees t USING (tree_id) WHERE t.name = 'rekor'`.execute(db.kysely);
    expect(await unintegrated(db)).toBe(0n);

    const size = tree.checkpoint.size;
    console.log(
      `log crash: ${WRITERS} writers, ${KILLS} kills in turn + both at once (start ms A=${processes[0]?.startTimes.join('/')} B=${processes[1]?.startTimes.join('/')}), ` +
        `${written.acked.length} acknowledged, ${written.duplicates.length} answered 409, ${written.inDoubt.length} in doubt, ` +
        `retries ${JSON.stringify(written.retries)}, final size ${size} (${leftForRecovery} left to start-up recovery), ${seen.size} checkpoints from ${pollCount} polls, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s until verification`,
    );
    expect(written.unexpected).toEqual([]);
    expect(written.acked.length).toBeGreaterThan(0);
    // The kills hit requests in flight (about half the writers are at the victim at any time).
    expect(written.inDoubt.length + written.retries.broken).toBeGreaterThanOrEqual(KILLS);
    expect(headB.size).toBe(size);
    expect(rows.map((r) => [BigInt(r.next_index), BigInt(r.entries)])).toEqual([[size, size]]);
    expect(tree.bodies.length).toBe(Number(size));

    const { problems, inDoubtLogged } = checkTree(tree, written);
    expect(problems).toEqual([]);
    expect(checkAcked(written.acked, logKey, seen)).toEqual([]);
    expect(await checkEntriesByIndex(a, tree, logKey)).toEqual([]);
    expect(await checkCheckpoints(b, seen, tree.checkpoint, logKey)).toEqual([]);
    console.log(
      `log crash: ${inDoubtLogged} of ${written.inDoubt.length} in-doubt entries made it in (each once); ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s in all`,
    );
  }, TEST_TIMEOUT_MS);
});
