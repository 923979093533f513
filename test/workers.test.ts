// `sigbox up --workers N`: several processes behind one port on one PostgreSQL database, as a user starts it.
// Needs TEST_DATABASE_URL (PGlite serves a single process); CI runs it with SIGBOX_REQUIRE_POSTGRES=1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isValidInclusion } from '@sigbox/merkle';
import { encoding, sha256 } from '@sigbox/core';
import { type SigboxProcess, type TestDatabase, createTestDatabase, requirePostgres, startSigbox } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyEntry } from './helpers/rekor.js';

const HAS_POSTGRES = requirePostgres('workers.test.ts');

const WORKERS = 2;
const ENTRIES = 48;
const TEST_TIMEOUT_MS = 120_000;

/** The pids that answered requests, from the JSON request log. */
function servingPids(log: string): Set<number> {
  const pids = log
    .split('\n')
    .filter((l) => l.includes('"msg":"request"'))
    .map((l) => (JSON.parse(l) as { pid: number }).pid);
  return new Set(pids);
}

interface EntryAnswer {
  body: string;
  logIndex: number;
  verification: { inclusionProof: { hashes: string[]; logIndex: number; rootHash: string; treeSize: number } };
}

function onlyValue(map: Record<string, EntryAnswer>): [string, EntryAnswer] {
  const [pair] = Object.entries(map);
  if (!pair) throw new Error('empty LogEntry map');
  return pair;
}

function proves(entry: EntryAnswer): boolean {
  const proof = entry.verification.inclusionProof;
  const leaf = sha256(Uint8Array.of(0), encoding.fromBase64(entry.body));
  return isValidInclusion(BigInt(proof.logIndex), BigInt(proof.treeSize), leaf, proof.hashes.map(encoding.fromHex), encoding.fromHex(proof.rootHash));
}

describe.skipIf(!HAS_POSTGRES)(`sigbox up --workers ${WORKERS} on PostgreSQL`, () => {
  let db: TestDatabase;
  let dataDir: string;
  let sigbox: SigboxProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'postgres', migrate: false });
    dataDir = await mkdtemp(path.join(tmpdir(), 'sigbox-workers-'));
  });
  afterAll(async () => {
    await sigbox?.stop();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startSigbox({ dataDir, databaseUrl: db.url as string, args: ['--dev', '--workers', String(WORKERS)], keepStdout: true });

  it('serves one log from every worker: concurrent creates land once each, gapless, provable from any worker', async () => {
    sigbox = await start();
    expect(sigbox.stderr()).toContain(`with ${WORKERS} worker processes`);
    const created = await Promise.all(
      Array.from({ length: ENTRIES }, async () => {
        const res = await fetch(`${sigbox?.url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(keyEntry()) });
        expect(res.status).toBe(201);
        const [id, entry] = onlyValue((await res.json()) as Record<string, EntryAnswer>);
        expect(proves(entry)).toBe(true);
        return { id, index: entry.logIndex };
      }),
    );
    expect(created.map((c) => c.index).sort((a, b) => a - b)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i));

    const info = (await (await fetch(`${sigbox.url}/api/v1/log`)).json()) as { treeSize: number };
    expect(info.treeSize).toBe(ENTRIES);
    for (const { id, index } of created) {
      for (let read = 0; read < 3; read++) {
        const res = await fetch(`${sigbox.url}/api/v1/log/entries?logIndex=${index}`);
        const [readId, entry] = onlyValue((await res.json()) as Record<string, EntryAnswer>);
        expect(readId).toBe(id);
        expect(proves(entry)).toBe(true);
      }
    }
    // Keep-alive connections are spread over the workers: both answered.
    expect(servingPids(sigbox.stdout()).size).toBe(WORKERS);
  }, TEST_TIMEOUT_MS);

  it('stops every worker on SIGTERM (exit 0), and starts again on the same keys and log', async () => {
    expect(await sigbox?.stop()).toBe(0);
    sigbox = await start();
    const info = (await (await fetch(`${sigbox.url}/api/v1/log`)).json()) as { treeSize: number };
    expect(info.treeSize).toBe(ENTRIES);
  }, TEST_TIMEOUT_MS);

  it('stops the others and exits 1 when a worker dies', async () => {
    const running = sigbox as SigboxProcess;
    for (let i = 0; i < 8; i++) await fetch(`${running.url}/healthz`);
    const pids = [...servingPids(running.stdout())];
    expect(pids.length).toBeGreaterThan(0);
    process.kill(pids[0] as number, 'SIGKILL');
    expect(await running.stop()).toBe(1);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    sigbox = undefined;
  }, TEST_TIMEOUT_MS);
});
