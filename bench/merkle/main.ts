/**
 * Merkle core benchmark: append 1,000,000 leaves in batches of 256 into an in-memory tile store, then build
 * 100,000 random inclusion proofs from the tiles and verify a sample; first, the cost of one node hash on
 * both implementations. Run with `npm run bench:merkle`.
 * Reports numbers with the machine; no pass/fail thresholds (targets in README.md).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createMemoryTileStore, hashLeaf, inclusionProof, integrate, isValidInclusion, rootFromTiles } from '@sigbox/merkle';
import { measureNodeHash } from './node-hash.js';

const LEAVES = 1_000_000;
const BATCH = 256; // tessera's default batch size (WithBatching(256, 250ms))
const PROOFS = 100_000;
const VERIFY_SAMPLE = 1_000;

// Entry bytes: 8-byte counter inside a 100-byte body, so leaf hashing does real work per leaf.
function entry(i: number): Uint8Array {
  const body = new Uint8Array(100);
  new DataView(body.buffer).setFloat64(0, i);
  return body;
}

/** Wall-clock and CPU milliseconds of `fn`: on a shared machine CPU time shows what the code costs. */
function timed<T>(fn: () => T): { result: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  const used = process.cpuUsage(cpu);
  return { result, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

function appendAll(): { store: ReturnType<typeof createMemoryTileStore>; root: Uint8Array; hashMs: number } {
  const store = createMemoryTileStore();
  let size = 0n;
  let root: Uint8Array = new Uint8Array();
  let hashMs = 0;
  for (let i = 0; i < LEAVES; i += BATCH) {
    const t = performance.now();
    const batch: Uint8Array[] = [];
    for (let j = i; j < Math.min(LEAVES, i + BATCH); j++) batch.push(hashLeaf(entry(j)));
    hashMs += performance.now() - t;
    const result = integrate(size, batch, store.readTile);
    store.writeTiles(result.tiles);
    size = result.size;
    root = result.root;
  }
  return { store, root, hashMs };
}

function randomIndices(): bigint[] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31; // deterministic LCG
  return Array.from({ length: PROOFS }, () => BigInt(Math.floor(random() * LEAVES)));
}

function proveAll(store: ReturnType<typeof createMemoryTileStore>, indices: readonly bigint[]): Uint8Array[][] {
  const size = BigInt(LEAVES);
  return indices.map((index) => inclusionProof(index, size, store.readTile));
}

function verifySample(store: ReturnType<typeof createMemoryTileStore>, indices: readonly bigint[], proofs: Uint8Array[][], root: Uint8Array): number {
  const size = BigInt(LEAVES);
  let verified = 0;
  for (let k = 0; k < VERIFY_SAMPLE; k++) {
    const index = indices[k] as bigint;
    const leaf = store.readTile(0, index / 256n)?.hashes[Number(index % 256n)] as Uint8Array;
    if (!isValidInclusion(index, size, leaf, proofs[k] as Uint8Array[], root)) throw new Error(`proof ${index} failed`);
    verified++;
  }
  return verified;
}

const cpus = os.cpus();
console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${cpus[0]?.model ?? 'unknown CPU'}, load ${os.loadavg()[0]?.toFixed(2)}`);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
const nodeHash = measureNodeHash();
console.log(`one node hash (best of 5 × 1M): hashChildren ${nodeHash.specialised.toFixed(3)} µs, crypto.hash 65 B ${nodeHash.nodeCrypto.toFixed(3)} µs`);
const appended = timed(appendAll);
const { store, hashMs } = appended.result;
const root = rootFromTiles(BigInt(LEAVES), store.readTile);
if (Buffer.compare(root, appended.result.root) !== 0) throw new Error('rootFromTiles disagrees with integrate');
console.log(`append ${LEAVES.toLocaleString('en-US')} leaves in batches of ${BATCH} (${store.count} tiles):`);
console.log(`  with leaf hashing: ${rate(LEAVES, appended.ms)} leaves/s wall, ${rate(LEAVES, appended.cpuMs)} leaves/s per CPU-second`);
const integrateMs = appended.ms - hashMs;
const integrateCpuMs = appended.cpuMs * (integrateMs / appended.ms);
console.log(`  integrate only:    ${rate(LEAVES, integrateMs)} leaves/s wall, ~${rate(LEAVES, integrateCpuMs)} leaves/s per CPU-second`);
const indices = randomIndices();
const proved = timed(() => proveAll(store, indices));
console.log(`${PROOFS.toLocaleString('en-US')} random inclusion proofs from tiles:`);
console.log(`  ${rate(PROOFS, proved.ms)} proofs/s wall, ${rate(PROOFS, proved.cpuMs)} proofs/s per CPU-second`);
console.log(`  verified a sample of ${verifySample(store, indices, proved.result, root)} against the root`);
