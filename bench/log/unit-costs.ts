/**
 * CPU cost of the single steps of a create request, measured in one process with `process.cpuUsage`, so
 * the figures hold up on a machine shared with other work (wall-clock rates do not). Explains the load
 * results: `node --import tsx --conditions=@sigbox/source bench/log/unit-costs.ts`.
 */
import crypto from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { createEphemeralSigner } from '@sigbox/core';
import { createDb, sql } from '@sigbox/db';
import { entryTimestampPayload, parseProposedEntry, signEntryTimestamp } from '@sigbox/rekor';
import { DEFAULT_ADMIN_URL } from './database.js';
import { createProposedEntries } from './entries.js';

const N = 1_000;
const ROUNDS = 3; // the first round includes JIT warm-up; the best round is reported

async function cpuMicrosPerOp(run: (i: number) => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) await run(i);
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / N);
  }
  return best;
}

const bodies = createProposedEntries(N, 'unit').map((b) => JSON.parse(b.toString('utf8')) as unknown);
const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const message = Buffer.from('artifact');
const digest = crypto.createHash('sha256').update(message).digest();
const signature = crypto.sign('sha256', message, privateKey);
const point = Buffer.concat([Buffer.from([4]), Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'), Buffer.from(publicKey.export({ format: 'jwk' }).y ?? '', 'base64url')]);
const signer = createEphemeralSigner('ecdsa-p256');
const db = createDb({ url: process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL, maxConnections: 1 });

const costs: Array<[string, number]> = [
  ['JSON.parse of a ProposedEntry', await cpuMicrosPerOp((i) => JSON.parse(JSON.stringify(bodies[i])))],
  ['parseProposedEntry (key parse, prehashed verify, JCS, leaf hash)', await cpuMicrosPerOp((i) => parseProposedEntry(bodies[i]))],
  ['  for comparison: @noble/curves p256.verify over the digest (used before cbb2d28)', await cpuMicrosPerOp(() => p256.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' }))],
  ['  for comparison: node:crypto.verify over the message (OpenSSL)', await cpuMicrosPerOp(() => crypto.verify('sha256', message, publicKey, signature))],
  ['signEntryTimestamp (JCS + ECDSA P-256 sign)', await cpuMicrosPerOp((i) => signEntryTimestamp(entryTimestampPayload({ body: 'e30=', integratedTime: 1, logID: 'ab', logIndex: i }), signer))],
  ['Postgres round trip SELECT 1 (client side CPU)', await cpuMicrosPerOp(() => sql`SELECT 1`.execute(db.kysely))],
];
await db.close();
for (const [name, us] of costs) console.log(`${us.toFixed(0).padStart(6)} µs CPU  ${name}`);
