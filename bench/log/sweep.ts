/**
 * The concurrency sweep (`--sweep 64,256,1024,4096 [--rekor-tiles]`): at each concurrency, Sigbox v1 creates,
 * Sigbox v2 appends and (with `--rekor-tiles`) upstream rekor-tiles v2 appends, one after the other, with the
 * same generator and the same prepared entries. Every phase starts a fresh server on a fresh database (Sigbox) or
 * fresh storage (rekor-tiles), so every tree starts empty and every server's peak RSS is its own phase's.
 */
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TEST_KEY_PASSPHRASE, ensureTestKeyring, startSigbox } from '@sigbox/testkit';
import { type CheckpointCheck, checkpointSignatureCheck, hasValidInclusionProof, hasValidV2InclusionProof, trustedRootEd25519Keys } from './checks.js';
import { openBenchDatabase, watchBackends } from './database.js';
import type { LoadRequest } from './http-load.js';
import { type PhaseReport, formatPhase, measurePhase } from './phases.js';
import { startRekorTiles } from './rekor-tiles.js';

export type SweepSystem = 'sigbox v1 create' | 'sigbox v2 append' | 'rekor-tiles v2 append';

export interface SweepOptions {
  concurrencies: readonly number[];
  warmupMs: number;
  durationMs: number;
  /** Include upstream rekor-tiles (needs its binary, rekor-tiles.ts). */
  rekorTiles: boolean;
  /** Leave Sigbox's phases out (to look at rekor-tiles alone). */
  skipSigbox?: boolean;
  /** Where each Sigbox phase's server writes a V8 CPU profile (`--profile DIR`; profile-summary.ts reads it). */
  profileDir?: string | undefined;
  /** More `sigbox up` arguments, e.g. `['--max-connections', '8192']`. */
  sigboxArgs?: readonly string[];
  rekorTilesDebugLog: boolean;
  /** `startSigbox`'s choice: the build (default) or the sources. */
  fromBuild: boolean;
  /** Prepared POST /api/v1/log/entries bodies, distinct; reused by every v1 phase (each has a fresh tree). */
  v1Entries: readonly Buffer[];
  /** Prepared POST /api/v2/log/entries bodies, distinct; reused by every v2 phase, Sigbox's and rekor-tiles'. */
  v2Requests: readonly Buffer[];
}

export interface SweepRow {
  system: SweepSystem;
  concurrency: number;
  report: PhaseReport;
}

/** A phase's requests: the pool once through, in order (every phase's tree is fresh, so each is a new leaf). */
function inOrder(pool: readonly Buffer[], path: string): () => LoadRequest | undefined {
  let i = 0;
  return () => (i < pool.length ? { method: 'POST', path, body: pool[i++] as Buffer } : undefined);
}

/** The Ed25519 tlog keys of a running Sigbox's trusted_root.json: its Rekor v2 checkpoint key among them. */
export async function sigboxV2Keys(url: string): Promise<KeyObject[]> {
  return trustedRootEd25519Keys(await (await fetch(`${url}/trusted_root.json`)).json());
}

async function sigboxPhase(system: 'sigbox v1 create' | 'sigbox v2 append', concurrency: number, options: SweepOptions, keysDir: string): Promise<PhaseReport> {
  const database = await openBenchDatabase(undefined);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-sweep-'));
  try {
    const sigbox = await startSigbox({
      dataDir, databaseUrl: database.url, host: '127.0.0.1', fromBuild: options.fromBuild,
      nodeArgs: options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir],
      args: ['--workers', '1', '--keys', keysDir, ...(options.sigboxArgs ?? [])], env: { SIGBOX_KEY_PASSPHRASE: TEST_KEY_PASSPHRASE },
    });
    const backends = watchBackends(database.url);
    try {
      const processes = { serverPid: sigbox.child.pid as number, postgresPids: backends.pids };
      const window = { url: sigbox.url, concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs };
      if (system === 'sigbox v1 create') {
        return await measurePhase(`${system} @ ${concurrency}`, processes, {
          ...window,
          next: inOrder(options.v1Entries, '/api/v1/log/entries'),
          accept: (status, body) => status === 201 && hasValidInclusionProof(body),
        });
      }
      const signed: CheckpointCheck = checkpointSignatureCheck(await sigboxV2Keys(sigbox.url));
      return await measurePhase(`${system} @ ${concurrency}`, processes, {
        ...window,
        next: inOrder(options.v2Requests, '/api/v2/log/entries'),
        accept: (status, body) => status === 201 && hasValidV2InclusionProof(body, signed),
      });
    } finally {
      await backends.stop();
      const code = await sigbox.stop();
      if (code !== 0) console.error(`sigbox exited ${code}: ${sigbox.stderr().slice(-4000)}`);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await database.dispose();
  }
}

async function rekorTilesPhase(concurrency: number, options: SweepOptions): Promise<PhaseReport> {
  const tiles = await startRekorTiles({ debugLog: options.rekorTilesDebugLog });
  try {
    const signed = checkpointSignatureCheck([tiles.publicKey]);
    return await measurePhase(`rekor-tiles v2 append @ ${concurrency}`, { serverPid: tiles.pid }, {
      url: tiles.url, concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs,
      next: inOrder(options.v2Requests, '/api/v2/log/entries'),
      accept: (status, body) => status === 201 && hasValidV2InclusionProof(body, signed),
    });
  } finally {
    const code = await tiles.stop();
    if (code !== 0 && code !== null) console.error(`rekor-tiles exited ${code}: ${tiles.stderr().slice(-4000)}`);
  }
}

/** Runs every system at every concurrency; prints each phase's report as it completes. */
export async function runSweep(options: SweepOptions): Promise<SweepRow[]> {
  // One keyring (`sigbox init`, the real ceremony) for every Sigbox phase: each still gets a fresh database.
  const keysDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-sweep-keys-'));
  try {
    await ensureTestKeyring(keysDir, { fromBuild: options.fromBuild });
    const rows: SweepRow[] = [];
    for (const concurrency of options.concurrencies) {
      const systems: SweepSystem[] = [
        ...(options.skipSigbox === true ? [] : (['sigbox v1 create', 'sigbox v2 append'] as const)),
        ...(options.rekorTiles ? (['rekor-tiles v2 append'] as const) : []),
      ];
      for (const system of systems) {
        const report = system === 'rekor-tiles v2 append' ? await rekorTilesPhase(concurrency, options) : await sigboxPhase(system, concurrency, options, keysDir);
        console.log(formatPhase(report));
        rows.push({ system, concurrency, report });
      }
    }
    return rows;
  } finally {
    await rm(keysDir, { recursive: true, force: true });
  }
}
