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

process.env.UV_THREADPOOL_SIZE ??= String(Math.min(4, Math.max(1, availableParallelism() - 1)));
const { register } = await import('tsx/esm/api');
register();
await import('../src/main.ts');
