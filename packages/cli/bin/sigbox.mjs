#!/usr/bin/env node
// The `sigbox` command as `npm start`, `npm run sigbox` and the container run it. Plain JavaScript, because it must
// run before anything else: libuv's thread pool is sized when it is first used.
//
// Why size it: the pool verifies and signs (proof of possession, precertificate, SCT, certificate) for the event
// loop, which is the server's one serial part. On a small machine four pool threads preempt that loop for cores
// they cannot use (bench/ca/README.md: on 2 cores one thread gives ≈ 7 % more certificates a second than four).
// One core is left to the loop: cores − 1 threads, 1 to 4. An operator's UV_THREADPOOL_SIZE wins.
//
// What it runs: the build (`npm run build`: compiled JavaScript in packages/*/dist), as `npm start` and the
// container do; or, under `node --conditions=@sigbox/source` (the tests, a developer's quick run), the TypeScript
// sources through tsx. The build is what production runs: compiling TypeScript at run time costs each of the
// process's threads (the event loop and every log writer thread) its own transpiled copy of every module —
// ≈ 120 MiB of resident memory on an idle box (bench/memory/README.md).
//
// Memory (bench/memory/README.md): two settings that only take effect when a process starts, so the launcher
// starts Node once more in its own place (process.execve: same process ID, signals and output) with them, unless
// an operator gave them. MALLOC_ARENA_MAX=2: glibc otherwise gives each thread that allocates (the event loop, the
// log writer threads, libuv's pool) arenas of its own, which fragment and stay resident. --max-semi-space-size=8:
// V8 otherwise grows the event loop's young generation to tens of MiB under load. --heap-growing-percent=50: V8
// otherwise lets the old generation grow by up to 4x its live set before a full collection, and the native memory
// behind what dies there (OpenSSL keys and certificates, buffers: invisible to V8's accounting) waits as long —
// 478 → 370 MiB at 60 s of mixed load, at a CPU cost within this machine's noise; at 20 it saved more (319 MiB) but
// cost ≈ 13% of the CPU per log entry. Together with the writer threads' own young-generation cap they took the
// resident set under mixed load from ≈ 700–780 MiB to ≈ 400 MiB (bench/memory/README.md).
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

// The oldest Node that runs Sigbox, as package.json `engines` states it (sigstore-js 5, which the tests use, needs
// 24.15 on the 24 line). Checked before anything else loads: an older Node would start half-way and die later with
// a stranger error (Node 20 runs `--dev` on PGlite, then fails to load the writer thread's TypeScript).
const NEEDED = [24, 15];
/** Exit code for a Node too old to run Sigbox: like a server that cannot start (run.ts EXIT_START_FAILED). */
const EXIT_UNSUPPORTED_NODE = 1;
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  process.stderr.write(
    `sigbox: Sigbox needs Node.js ${NEEDED[0]} LTS (${NEEDED.join('.')} or later); this is ${process.version}. ` +
      `Install Node ${NEEDED[0]} from https://nodejs.org/en/download (or nvm install ${NEEDED[0]}) and put it first on PATH.\n`,
  );
  process.exit(EXIT_UNSUPPORTED_NODE);
}

const MEMORY_ENV = { MALLOC_ARENA_MAX: '2' };
const MEMORY_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=50'];
if (process.env.SIGBOX_LAUNCHER_EXECED === undefined && typeof process.execve === 'function') {
  const flags = MEMORY_FLAGS.filter((flag) => !process.execArgv.some((given) => given.startsWith(flag.split('=')[0])));
  const env = { ...MEMORY_ENV, ...process.env, SIGBOX_LAUNCHER_EXECED: '1' };
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], env);
}

process.env.UV_THREADPOOL_SIZE ??= String(Math.min(4, Math.max(1, availableParallelism() - 1)));
if (import.meta.resolve('@sigbox/cli').endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
} else {
  try {
    await import('../dist/main.js');
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('/cli/dist/main.js')) throw err;
    process.stderr.write('sigbox: no build in packages/cli/dist: run `npm run build` first (npm start does), or run the sources with `node --conditions=@sigbox/source`\n');
    process.exit(1);
  }
}
