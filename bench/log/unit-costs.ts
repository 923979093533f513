/**
 * CPU cost of the single steps of a create request, measured in one process with `process.cpuUsage`, so
 * the figures hold up on a machine shared with other work (wall-clock rates do not). Explains the load
 * results: `node --import tsx --conditions=@sigbox/source bench/log/unit-costs.ts`.
 */
import crypto from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { createEphemeralSigner, createKeySigner } from '@sigbox/core';
import { createDb, sql } from '@sigbox/db';
import { entryTimestampPayload, parseCreateEntryRequest, parseProposedEntry, signEntryTimestamp } from '@sigbox/rekor';
import { createRootCa } from '@sigbox/x509';
import { DEFAULT_ADMIN_URL } from './database.js';
import { createProposedEntries, createV2Requests } from './entries.js';

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
const v2Bodies = createV2Requests(N, 'unit').map((b) => JSON.parse(b.toString('utf8')) as unknown);

/** hashedrekord entries whose verifier is a (self-issued) certificate, as cosign/Fulcio entries carry one. */
async function certificateEntries(count: number): Promise<{ v1: unknown[]; v2: unknown[] }> {
  const v1: unknown[] = [];
  const v2: unknown[] = [];
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3_600_000) };
  for (let i = 0; i < count; i++) {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const cert = await createRootCa({ subject: { commonName: `unit ${i}` }, signer: createKeySigner(key), validity });
    const data = Buffer.from(`certificate artifact ${i}`);
    const sig = crypto.sign('sha256', data, key).toString('base64');
    const hash = crypto.createHash('sha256').update(data).digest();
    v1.push({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: { data: { hash: { algorithm: 'sha256', value: hash.toString('hex') } }, signature: { content: sig, publicKey: { content: Buffer.from(cert.pem).toString('base64') } } },
    });
    const verifier = { x509Certificate: { rawBytes: Buffer.from(cert.der).toString('base64') }, keyDetails: 'PKIX_ECDSA_P256_SHA_256' };
    v2.push({ hashedRekordRequestV002: { digest: hash.toString('base64'), signature: { content: sig, verifier } } });
  }
  return { v1, v2 };
}
const withCertificates = await certificateEntries(N);
const db = createDb({ url: process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL, maxConnections: 1 });

const costs: Array<[string, number]> = [
  ['JSON.parse of a ProposedEntry', await cpuMicrosPerOp((i) => JSON.parse(JSON.stringify(bodies[i])))],
  ['parseProposedEntry (key parse, prehashed verify, JCS, leaf hash)', await cpuMicrosPerOp((i) => parseProposedEntry(bodies[i]))],
  ['  the same, the verifier a certificate', await cpuMicrosPerOp((i) => parseProposedEntry(withCertificates.v1[i]))],
  ['parseCreateEntryRequest (v2 hashedrekord: key parse, prehashed verify, leaf, index keys)', await cpuMicrosPerOp((i) => parseCreateEntryRequest(v2Bodies[i]))],
  ['  the same, the verifier a certificate', await cpuMicrosPerOp((i) => parseCreateEntryRequest(withCertificates.v2[i]))],
  ['  for comparison: @noble/curves p256.verify over the digest (used before cbb2d28)', await cpuMicrosPerOp(() => p256.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' }))],
  ['  for comparison: node:crypto.verify over the message (OpenSSL)', await cpuMicrosPerOp(() => crypto.verify('sha256', message, publicKey, signature))],
  ['signEntryTimestamp (JCS + ECDSA P-256 sign)', await cpuMicrosPerOp((i) => signEntryTimestamp(entryTimestampPayload({ body: 'e30=', integratedTime: 1, logID: 'ab', logIndex: i }), signer))],
  ['Postgres round trip SELECT 1 (client side CPU)', await cpuMicrosPerOp(() => sql`SELECT 1`.execute(db.kysely))],
];
await db.close();
for (const [name, us] of costs) console.log(`${us.toFixed(0).padStart(6)} µs CPU  ${name}`);
