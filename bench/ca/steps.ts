/**
 * Per-step CPU of one certificate, in one process, no HTTP: each step is awaited alone N times and reported as
 * µs per call on the main thread (`process.threadCpuUsage`) and in total (`process.cpuUsage`, thread pool
 * included). The difference is what the thread pool took off the event loop. Run:
 * `node --import tsx --conditions=@sigbox/source bench/ca/steps.ts [--calls 3000] [--token RS256|ES256]`.
 * Numbers only, no pass/fail (README.md records them).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createCaService, parseSigningRequestV2 } from '@sigbox/ca';
import { createIssuerRegistry, parseIssuerConfig, verifyToken } from '@sigbox/oidc';
import { type IssuerAlgorithm, createTestCa, startOidcIssuer, validityAround } from '@sigbox/testkit';
import { checkKeyStrength, createLeafIssuer, verifyProofOfPossession, verifyProofOfPossessionAsync } from '@sigbox/x509';

const { values: flags } = parseArgs({ options: { calls: { type: 'string', default: '3000' }, token: { type: 'string', default: 'RS256' } } });
const CALLS = Number(flags.calls);
const TOKEN_ALGORITHM = flags.token as IssuerAlgorithm; // the development issuer signs RS256
const EMAIL = 'bench@example.com';
const WARMUP_CALLS = 200;

/** µs per call of `op`, main thread and total, after a warm-up that lets V8 optimise it. */
async function measure(op: (i: number) => unknown): Promise<{ mainUs: number; totalUs: number }> {
  for (let i = 0; i < WARMUP_CALLS; i++) await op(i);
  const thread = process.threadCpuUsage();
  const all = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await op(i);
  const t = process.threadCpuUsage(thread);
  const a = process.cpuUsage(all);
  return { mainUs: (t.user + t.system) / CALLS, totalUs: (a.user + a.system) / CALLS };
}

async function caChain() {
  // P-256: the development CA's algorithm.
  const ca = await createTestCa({ commonName: 'bench', organization: 'sigbox', algorithm: 'ecdsa-p256', validity: validityAround() });
  return { signer: ca.intermediate.signer, chainDer: ca.chainDer };
}

function clientKeys(count: number) {
  return Array.from({ length: count }, () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    return { spki: new Uint8Array(spki), pem: publicKey.export({ format: 'pem', type: 'spki' }) as string, pop: crypto.sign('sha256', Buffer.from(EMAIL), privateKey) };
  });
}

const idp = await startOidcIssuer({ algorithms: [TOKEN_ALGORITHM] });
try {
  const issuers = createIssuerRegistry(parseIssuerConfig({}));
  issuers.addIssuer({ url: idp.url, type: 'email' });
  const token = idp.issueToken({ email: EMAIL });
  const { signer, chainDer } = await caChain();
  const keys = clientKeys(256);
  const key = (i: number) => keys[i % keys.length]!;
  const leaves = createLeafIssuer({ issuerCertDer: chainDer[0]!, signer });
  const ca = createCaService({ issuers, signer, chainDer });
  const identity = (await verifyToken(issuers, token));
  const bodies = keys.map((k) => ({ credentials: { oidcIdentityToken: token }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: k.pem }, proofOfPossession: k.pop.toString('base64') } }));

  const rows: Array<[string, { mainUs: number; totalUs: number }]> = [
    [`verifyToken (${TOKEN_ALGORITHM}, cached JWKS)`, await measure(() => verifyToken(issuers, token))],
    ['checkKeyStrength(spki)', await measure((i) => checkKeyStrength(key(i).spki))],
    ['verifyProofOfPossession(spki)', await measure((i) => verifyProofOfPossession(key(i).spki, EMAIL, key(i).pop))],
    ['verifyProofOfPossessionAsync(spki) (thread pool)', await measure((i) => verifyProofOfPossessionAsync(key(i).spki, EMAIL, key(i).pop))],
    ['leaf draft + certificate()', await measure((i) => leaves.draft({ publicKeySpki: key(i).spki, identity: { san: identity.san, extensions: [...identity.extensions] } }).certificate())],
    ['parseSigningRequestV2 + issueSigningCertificate', await measure((i) => ca.issueSigningCertificate(parseSigningRequestV2(bodies[i % bodies.length], undefined)))],
  ];
  console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${CALLS} calls each, P-256 client keys and CA`);
  for (const [label, r] of rows) console.log(`${label.padEnd(50)} main ${r.mainUs.toFixed(0).padStart(5)} µs   total ${r.totalUs.toFixed(0).padStart(5)} µs`);
} finally {
  await idp.close();
}
