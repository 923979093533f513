/**
 * `sigbox verify` benchmark: a synthetic log tree of N entries appended with the log engine directly (on PostgreSQL,
 * as `sigbox up` would), then the real `sigbox verify` (the build, as `npm run sigbox` runs it) under /usr/bin/time:
 * entries per second and peak resident set. Run: `node --import tsx --conditions=@sigbox/source bench/verify/main.ts
 * [--entries 100000] [--entry-bytes 1200] [--batch-size 1]`; BENCH_DATABASE_URL picks the database (default: a fresh one on the local
 * server, dropped at the end). Numbers only, no pass/fail (figures in README.md).
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encoding, generatePrivateKey, spkiDer } from '@sigbox/core';
import { createDb, runMigrations } from '@sigbox/db';
import { openLogTree } from '@sigbox/log';
import { openBenchDatabase } from '../log/database.js';
import { sigboxBuild } from '../log/server-build.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: { entries: { type: 'string', default: '100000' }, 'entry-bytes': { type: 'string', default: '1200' }, 'batch-size': { type: 'string' } },
});
const ENTRIES = Number(flags.entries);
/** About a hashedrekord body with its certificate, canonical JSON. */
const ENTRY_BYTES = Number(flags['entry-bytes']);
/**
 * The engine's sequencing batch (default 256); 1 gives a checkpoint per entry, as a quiet log has: the worst case for
 * verify, which checks every checkpoint's root and signature.
 */
const BATCH_SIZE = flags['batch-size'] === undefined ? undefined : Number(flags['batch-size']);
/** Entries in flight at once: under the engine's default pushback bound (4,096). */
const IN_FLIGHT = 2048;

const bench = await openBenchDatabase(process.env.BENCH_DATABASE_URL);
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-verify-'));
try {
  const privateKey = generatePrivateKey('ecdsa-p256');
  const db = createDb({ url: bench.url });
  await runMigrations(db);
  const tree = await openLogTree(db, { name: 'rekor', origin: (id) => `bench.example - ${id}`, signers: [{ name: 'bench.example', privateKey }], ...(BATCH_SIZE === undefined ? {} : { batchSize: BATCH_SIZE }) });
  const started = performance.now();
  const filler = crypto.randomBytes(ENTRY_BYTES);
  for (let i = 0; i < ENTRIES; i += IN_FLIGHT) {
    await Promise.all(
      Array.from({ length: Math.min(IN_FLIGHT, ENTRIES - i) }, (_, k) => {
        const data = new Uint8Array(filler);
        new DataView(data.buffer).setUint32(0, i + k); // distinct leaves
        return tree.add({ data });
      }),
    );
  }
  await tree.close();
  await db.close();
  console.log(`appended ${ENTRIES} entries of ${ENTRY_BYTES} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const publicKey = crypto.createPublicKey(privateKey);
  const tlog = { baseUrl: 'http://bench.example', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: encoding.toBase64(spkiDer(publicKey)) }, logId: { keyId: '' } };
  await writeFile(path.join(dataDir, 'trusted_root.json'), JSON.stringify({ tlogs: [tlog], ctlogs: [] }));
  sigboxBuild(false);
  const args = ['-f', '%M KiB peak RSS, %e s wall, %U s user', process.execPath, path.join(ROOT, 'packages/cli/bin/sigbox.mjs'), 'verify', '--database-url', bench.url, '--data', dataDir];
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
    execFile('/usr/bin/time', args, { cwd: ROOT, maxBuffer: 1 << 24 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${out}${errOut}`)) : resolve({ stdout: out, stderr: errOut }))),
  );
  process.stdout.write(stdout);
  const timing = stderr.trim().split('\n').at(-1) ?? '';
  const seconds = Number(/in ([\d.]+) s:/.exec(stdout)?.[1]);
  const rss = Number(/^(\d+) KiB/.exec(timing)?.[1]);
  console.log(`${timing}\nverify: ${Math.round(ENTRIES / seconds).toLocaleString('en-US')} entries/s (its own clock), peak RSS ${(rss / 1024).toFixed(0)} MiB`);
} finally {
  await rm(dataDir, { recursive: true, force: true });
  await bench.dispose();
}
