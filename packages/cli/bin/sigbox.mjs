#!/usr/bin/env node
// The `sigbox` command as `npm start` and the container run it: TypeScript sources through tsx, with
// `node --conditions=@sigbox/source`. Plain JavaScript, because it must run before tsx: libuv's thread pool is
// sized when it is first used, and tsx's loader uses it to read the first module.
//
// Why size it: the pool verifies and signs (proof of possession, precertificate, SCT, certificate) for the event
// loop, which is the server's one serial part. On a small machine four pool threads preempt that loop for cores
// they cannot use (bench/ca/README.md: on 2 cores one thread gives ≈ 7 % more certificates a second than four).
// One core is left to the loop: cores − 1 threads, 1 to 4. An operator's UV_THREADPOOL_SIZE wins.
import { availableParallelism } from 'node:os';

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

process.env.UV_THREADPOOL_SIZE ??= String(Math.min(4, Math.max(1, availableParallelism() - 1)));
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
