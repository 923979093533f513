/**
 * Leaf issuance benchmark for @sigbox/x509: P-256 leaves under a P-256 and a P-384 CA key, one-shot and as the
 * embedded-SCT pair (precertificate + final = two CA signatures), compared with @peculiar/x509's generator.
 * Run with `npm run bench:ca` or `node --import tsx --conditions=@sigbox/source bench/ca/x509.ts`.
 * Reports numbers with the machine; no pass/fail thresholds.
 */
import 'reflect-metadata';
import crypto from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as peculiar from '@peculiar/x509';
import { type KeyAlgorithm, type Signer, createKeySigner, generatePrivateKey, spkiDer } from '@sigbox/core';
import { createTestCa, validityAround } from '@sigbox/testkit';
import { FULCIO_OIDS, type CertificateIdentity, createLeafIssuer, encodeSctList } from '@sigbox/x509';

const DURATION_MS = 2_000;
const CONCURRENCY = 64; // requests in flight, as an HTTP server would have them

const identity: CertificateIdentity = {
  san: { kind: 'uri', value: 'https://github.com/octo/repo/.github/workflows/release.yml@refs/tags/v1.0.0' },
  extensions: [
    { oid: FULCIO_OIDS.issuer, value: 'https://token.actions.githubusercontent.com' },
    { oid: FULCIO_OIDS.issuerV2, value: 'https://token.actions.githubusercontent.com' },
    { oid: FULCIO_OIDS.buildSignerUri, value: 'https://github.com/octo/repo/.github/workflows/release.yml@refs/tags/v1.0.0' },
    { oid: FULCIO_OIDS.sourceRepositoryUri, value: 'https://github.com/octo/repo' },
    { oid: FULCIO_OIDS.tokenSubject, value: 'repo:octo/repo:ref:refs/tags/v1.0.0' },
  ],
};

/** A signer on libuv's thread pool (callback crypto.sign), so signatures use every core. */
function threadPoolSigner(algorithm: KeyAlgorithm): Signer {
  const privateKey = generatePrivateKey(algorithm);
  const digest = algorithm === 'ecdsa-p384' ? 'sha384' : 'sha256';
  return {
    algorithm,
    publicKey: crypto.createPublicKey(privateKey),
    sign: (data) => new Promise((resolve, reject) => crypto.sign(digest, data, privateKey, (err, sig) => (err ? reject(err) : resolve(sig)))),
  };
}

/** An intermediate for `signer` under a P-384 test root. */
async function caFor(signer: Signer) {
  const ca = await createTestCa({ commonName: 'bench-root', organization: 'sigbox', rootAlgorithm: 'ecdsa-p384', validity: validityAround() });
  return ca.issueIntermediate(signer.publicKey, { commonName: 'bench-intermediate', organization: 'sigbox' });
}

/** Runs `op` with CONCURRENCY in flight for DURATION_MS; returns ops/s and CPU ms per op. */
async function rate(op: () => Promise<unknown>): Promise<{ perSecond: number; cpuMsPerOp: number }> {
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (performance.now() - start < DURATION_MS) {
      await op();
      count++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: Math.round(count / seconds), cpuMsPerOp: (used.user + used.system) / 1000 / count };
}

const leafSpki = spkiDer(generatePrivateKey('ecdsa-p256'));
const sctList = encodeSctList([crypto.randomBytes(118)]);
const rows: Array<[string, { perSecond: number; cpuMsPerOp: number }]> = [];

for (const [label, signer] of [
  ['P-256 CA, core signer', createKeySigner(generatePrivateKey('ecdsa-p256'))],
  ['P-256 CA, thread-pool signer', threadPoolSigner('ecdsa-p256')],
  ['P-384 CA, core signer', createKeySigner(generatePrivateKey('ecdsa-p384'))],
  ['P-384 CA, thread-pool signer', threadPoolSigner('ecdsa-p384')],
] as const) {
  const leafs = createLeafIssuer({ issuerCertDer: (await caFor(signer)).der, signer });
  rows.push([`${label}: leaf`, await rate(() => leafs.issue({ publicKeySpki: leafSpki, identity }))]);
  rows.push([`${label}: precert + final pair`, await rate(async () => {
    const draft = leafs.draft({ publicKeySpki: leafSpki, identity });
    await draft.precertificate();
    return draft.certificate(sctList);
  })]);
}

// Encoding alone: a signer that returns a fixed DER signature isolates the TBS/certificate assembly cost.
const fixed = createKeySigner(generatePrivateKey('ecdsa-p256'));
const fixedSig = await fixed.sign(new Uint8Array(1));
const encodeOnly = createLeafIssuer({ issuerCertDer: (await caFor(fixed)).der, signer: { ...fixed, sign: () => Promise.resolve(fixedSig) } });
rows.push(['encoding only (no signature)', await rate(() => encodeOnly.issue({ publicKeySpki: leafSpki, identity }))]);

// Comparison: @peculiar/x509's generator (WebCrypto signing) with the same profile, P-256 CA.
peculiar.cryptoProvider.set(crypto.webcrypto as unknown as typeof globalThis.crypto);
const caKeys = await crypto.webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
const leafPublic = await crypto.webcrypto.subtle.importKey('spki', leafSpki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
rows.push(['@peculiar/x509 generator, P-256 CA', await rate(() => peculiar.X509CertificateGenerator.create({
  serialNumber: '01', issuer: 'CN=bench-intermediate, O=sigbox', subject: '', notBefore: new Date(), notAfter: new Date(Date.now() + 600_000),
  signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: leafPublic, signingKey: caKeys.privateKey,
  extensions: [new peculiar.KeyUsagesExtension(peculiar.KeyUsageFlags.digitalSignature, true), new peculiar.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3']),
    new peculiar.SubjectAlternativeNameExtension([{ type: 'url', value: identity.san.value }], true)],
}))]);

console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [label, r] of rows) console.log(`${label.padEnd(48)} ${String(r.perSecond).padStart(7)} /s   ${r.cpuMsPerOp.toFixed(3)} CPU ms/op`);
