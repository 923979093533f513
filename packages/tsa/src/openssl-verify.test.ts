// The TSA core end to end against an independent verifier: OpenSSL's `openssl ts` makes the query, our parser reads
// it, our response is checked by `openssl ts -verify` against a chain we made. Real keys, real signatures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEphemeralSigner, toPem } from '@sigbox/core';
import { toolAvailable } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TsaChain, createTsaChain, createTimestampResponse, parseTimestampRequest } from './index.js';

const hasOpenssl = toolAvailable('openssl', 'verifies RFC 3161 responses independently');
const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };

function run(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

async function makeTsa(name: string, algorithm: 'ecdsa-p256' | 'ecdsa-p384' | 'rsa' = 'ecdsa-p256') {
  const signer = createEphemeralSigner(algorithm);
  const chain = await createTsaChain({
    rootName: `CN=${name} root,O=sigbox test`,
    intermediateName: `CN=${name} intermediate,O=sigbox test`,
    leafName: `CN=${name} leaf,O=sigbox test`,
    rootSigner: createEphemeralSigner('ecdsa-p384'),
    intermediateSigner: createEphemeralSigner('ecdsa-p256'),
    leafPublicKey: signer.publicKey,
    validity: VALIDITY,
  });
  return { signer, chain };
}

describe.runIf(hasOpenssl)('openssl ts interop', () => {
  let dir: string;
  let tsa: { signer: ReturnType<typeof createEphemeralSigner>; chain: TsaChain };
  const file = (name: string) => path.join(dir, name);
  const writeChain = (prefix: string, chain: TsaChain) => {
    const [leaf, intermediate, root] = chain.chainDer as [Uint8Array, Uint8Array, Uint8Array];
    fs.writeFileSync(file(`${prefix}-root.pem`), toPem('CERTIFICATE', root));
    fs.writeFileSync(file(`${prefix}-untrusted.pem`), toPem('CERTIFICATE', leaf) + toPem('CERTIFICATE', intermediate));
  };
  const verify = (reply: string, query: string, prefix = 'tsa') =>
    run(['ts', '-verify', '-in', file(reply), '-queryfile', file(query), '-CAfile', file(`${prefix}-root.pem`), '-untrusted', file(`${prefix}-untrusted.pem`)]);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-tsa-'));
    fs.writeFileSync(file('artifact'), 'hello, timestamp\n');
    fs.writeFileSync(file('other'), 'another artifact\n');
    tsa = await makeTsa('tsa');
    writeChain('tsa', tsa.chain);
  });
  afterAll(() => process.env.KEEP_TSA ? console.log(dir) : fs.rmSync(dir, { recursive: true, force: true }));

  async function reply(query: string, out: string, signerTsa = tsa, options: { serialNumber?: bigint } = {}) {
    const request = parseTimestampRequest(fs.readFileSync(file(query)));
    const der = await createTimestampResponse({ request, signer: signerTsa.signer, chainDer: signerTsa.chain.chainDer, ...options });
    fs.writeFileSync(file(out), der);
    return request;
  }

  // Ed25519 TSA keys are not tested here: OpenSSL 3.0 verifies neither PKCS#7 nor CMS pure-Ed25519 signatures over
  // signed attributes ("invalid digest"), so there is no independent verifier on this machine (see README.md).
  for (const [digest, algorithm] of [['sha256', 'ecdsa-p256'], ['sha384', 'ecdsa-p384'], ['sha512', 'rsa']] as const) {
    it(`verifies a ${digest} query with certReq signed by a ${algorithm} TSA key`, async () => {
      const own = algorithm === 'ecdsa-p256' ? tsa : await makeTsa(`tsa-${algorithm}`, algorithm);
      writeChain(`tsa-${algorithm}`, own.chain);
      expect(run(['ts', '-query', `-${digest}`, '-data', file('artifact'), '-cert', '-out', file(`q-${algorithm}.tsq`)]).ok).toBe(true);
      const request = await reply(`q-${algorithm}.tsq`, `r-${algorithm}.tsr`, own);
      expect(request).toMatchObject({ hashAlgorithm: digest, certReq: true });
      expect(request.nonce).toBeDefined();
      expect(verify(`r-${algorithm}.tsr`, `q-${algorithm}.tsq`, `tsa-${algorithm}`).out).toContain('Verification: OK');
    });
  }

  it('verifies a query without certReq or nonce (the leaf comes from -untrusted), and shows policy, nonce, accuracy', async () => {
    run(['ts', '-query', '-sha256', '-data', file('artifact'), '-no_nonce', '-out', file('q-plain.tsq')]);
    const request = await reply('q-plain.tsq', 'r-plain.tsr', tsa, { serialNumber: 4242n });
    expect(request).toMatchObject({ certReq: false });
    expect(request.nonce).toBeUndefined();
    expect(verify('r-plain.tsr', 'q-plain.tsq').out).toContain('Verification: OK');
    const text = run(['ts', '-reply', '-in', file('r-plain.tsr'), '-text']).out;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain('Policy OID: 1.3.6.1.4.1.57264.2');
    expect(text).toContain('Accuracy: 0x01 seconds, unspecified millis, unspecified micros');
    expect(text).toContain('Nonce: unspecified');
    expect(text).toContain('TSA: DirName:/CN=tsa leaf/O=sigbox test');
    expect(text).toContain('Ordering: no');
    expect(text).toContain('Serial number: 0x1092');
    expect(text).toMatch(/Time stamp: \w{3} +\d+ \d\d:\d\d:\d\d \d{4} GMT/);
  });

  it('echoes the nonce and the requested policy', async () => {
    run(['ts', '-query', '-sha256', '-data', file('artifact'), '-tspolicy', '1.3.6.1.4.1.57264.2', '-out', file('q-nonce.tsq')]);
    const request = await reply('q-nonce.tsq', 'r-nonce.tsr');
    const text = run(['ts', '-reply', '-in', file('r-nonce.tsr'), '-text']).out;
    expect(text).toContain(`Nonce: 0x${request.nonce!.toString(16).toUpperCase().padStart(16, '0')}`);
    expect(verify('r-nonce.tsr', 'q-nonce.tsq').out).toContain('Verification: OK');
  });

  it('fails verification of a reply for another digest', async () => {
    run(['ts', '-query', '-sha256', '-data', file('other'), '-no_nonce', '-out', file('q-other.tsq')]);
    run(['ts', '-query', '-sha256', '-data', file('artifact'), '-no_nonce', '-out', file('q-mine.tsq')]);
    await reply('q-other.tsq', 'r-other.tsr');
    const result = verify('r-other.tsr', 'q-mine.tsq');
    expect(result.ok).toBe(false);
    expect(result.out).toContain('message imprint mismatch');
  });

  it('fails verification of a reply from another TSA chain', async () => {
    const stranger = await makeTsa('stranger');
    writeChain('stranger', stranger.chain);
    run(['ts', '-query', '-sha256', '-data', file('artifact'), '-cert', '-out', file('q-stranger.tsq')]);
    await reply('q-stranger.tsq', 'r-stranger.tsr', stranger);
    expect(verify('r-stranger.tsr', 'q-stranger.tsq', 'stranger').out).toContain('Verification: OK');
    const result = verify('r-stranger.tsr', 'q-stranger.tsq', 'tsa');
    expect(result.ok).toBe(false);
    expect(result.out).not.toContain('Verification: OK');
  });

  it('refuses a sha1 query as weak, with upstream message', () => {
    run(['ts', '-query', '-sha1', '-data', file('artifact'), '-out', file('q-sha1.tsq')]);
    expect(() => parseTimestampRequest(fs.readFileSync(file('q-sha1.tsq')))).toThrow(expect.objectContaining({ code: 'WEAK_HASH', clientMessage: 'Weak hash algorithm in timestamp request' }));
  });

  it('makes a chain OpenSSL accepts for timestamping (critical EKU timeStamping on the leaf)', () => {
    const leafText = run(['x509', '-noout', '-text', '-in', file('tsa-untrusted.pem')]).out;
    expect(leafText).toMatch(/X509v3 Extended Key Usage: critical\s+Time Stamping/);
    expect(leafText).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(leafText).toContain('CA:FALSE');
  });
});
