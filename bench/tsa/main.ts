/**
 * TSA core benchmark, no HTTP: parse a DER TimeStampReq (or the JSON form) and sign a TimeStampResp with a P-256
 * key from a PKCS#8 file (core `loadFileSigner`), C requests in flight on one process, for S seconds after a
 * warm-up. One response in 64 is checked to be a granted TimeStampResp carrying the request's digest.
 * Run: `node --import tsx --conditions=@sigbox/source bench/tsa/main.ts [--seconds 10] [--warmup 2]
 * [--concurrency 16] [--json] [--cert]`. Numbers, no pass/fail. Reference: sigstore/timestamp-authority
 * ~6 481 req/s over HTTP, containerized, on a laptop (PR #1179).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatePrivateKey, loadFileSigner, privateKeyToPem, createEphemeralSigner } from '@sigbox/core';
import { createTimestamper, createTsaChain, parseJsonTimestampRequest, parseTimestampRequest } from '@sigbox/tsa';
import { timestampRequests } from './requests.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
    cert: { type: 'boolean', default: false },
  },
});

const dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-bench-tsa-'));
const keyFile = path.join(dir, 'tsa.key');
await writeFile(keyFile, privateKeyToPem(generatePrivateKey('ecdsa-p256')), { mode: 0o600 });
const signer = await loadFileSigner(keyFile);
const { chainDer } = await createTsaChain({
  rootName: 'CN=bench root', intermediateName: 'CN=bench intermediate', leafName: 'CN=bench tsa',
  rootSigner: createEphemeralSigner('ecdsa-p384'), intermediateSigner: createEphemeralSigner(), leafPublicKey: signer.publicKey,
  validity: { notBefore: new Date(), notAfter: new Date(Date.now() + 365 * 86_400_000) },
});
const tsa = createTimestamper({ signer, chainDer });

const bodies = timestampRequests(1024, { json: flags.json, cert: flags.cert });

let measuring = false;
let done = 0;
let stop = false;
async function worker(offset: number): Promise<void> {
  for (let i = offset; !stop; i += Number(flags.concurrency)) {
    const body = bodies[i % bodies.length]!;
    const request = typeof body === 'string' ? parseJsonTimestampRequest(body) : parseTimestampRequest(body);
    const response = await tsa.respond(request);
    if (i % 64 === 0 && (response[0] !== 0x30 || !Buffer.from(response).includes(Buffer.from(request.digest)))) throw new Error('bad response');
    if (measuring) done++;
  }
}

const workers = Array.from({ length: Number(flags.concurrency) }, (_, i) => worker(i));
await new Promise((r) => setTimeout(r, Number(flags.warmup) * 1000));
measuring = true;
const start = performance.now();
const cpuStart = process.cpuUsage();
await new Promise((r) => setTimeout(r, Number(flags.seconds) * 1000));
measuring = false;
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
stop = true;
await Promise.all(workers);
await rm(dir, { recursive: true, force: true });
console.log(`node ${process.version}, nproc ${os.availableParallelism()}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`${flags.json ? 'JSON' : 'DER'} requests${flags.cert ? ' with certReq' : ''}, P-256 file key, concurrency ${flags.concurrency}`);
console.log(`${(done / elapsed).toFixed(0)} responses/s; CPU ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)} % of one core (main thread + signing pool)`);
