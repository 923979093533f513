import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createEphemeralSigner } from '@sigbox/core';
import { toolAvailable } from '@sigbox/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TimestampRequest, type TsaChain, createTimestampResponse, createTimestamper, createTsaChain } from './index.js';

const VALIDITY = { notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };
const REQUEST: TimestampRequest = { hashAlgorithm: 'sha256', digest: new Uint8Array(crypto.createHash('sha256').update('x').digest()), certReq: false };

/** OpenSSL's own print of the token's CMS structure: an independent reading of what we encoded. */
function printToken(response: Uint8Array): string {
  const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
  spawnSync('sh', ['-c', `cat > ${dir}/r.tsr`], { input: response });
  const token = spawnSync('openssl', ['ts', '-reply', '-in', `${dir}/r.tsr`, '-token_out', '-out', `${dir}/t.der`]);
  if (token.status !== 0) throw new Error(token.stderr.toString());
  const out = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `${dir}/t.der`]).stdout.toString();
  spawnSync('rm', ['-rf', dir]);
  return out;
}

describe.runIf(toolAvailable('openssl', 'prints the CMS structure independently'))('createTimestampResponse', () => {
  const signer = createEphemeralSigner();
  let chain: TsaChain;
  beforeAll(async () => {
    chain = await createTsaChain({
      rootName: 'CN=root', intermediateName: 'CN=intermediate', leafName: 'CN=leaf',
      rootSigner: createEphemeralSigner(), intermediateSigner: createEphemeralSigner(), leafPublicKey: signer.publicKey, validity: VALIDITY,
    });
  });

  it('signs contentType, signingTime, messageDigest and signingCertificateV2, and embeds no certificate unasked', async () => {
    const clock = () => new Date('2026-03-04T05:06:07.890Z');
    const printed = printToken(await createTimestampResponse({ request: REQUEST, signer, chainDer: chain.chainDer, clock }));
    const attributes = [...printed.matchAll(/object: (\S+) \(([\d.]+)\)/g)].map((m) => m[1]);
    expect(attributes).toEqual(expect.arrayContaining(['contentType', 'signingTime', 'messageDigest', 'id-smime-aa-signingCertificateV2']));
    expect(printed).toMatch(/certificates:\s+<ABSENT>/);
    expect(printed).toContain('UTCTIME:Mar  4 05:06:07 2026 GMT');
    expect(printed).toMatch(/version: 3/);
  });

  it('embeds the leaf when asked, and the whole chain with includeChain', async () => {
    const leafOnly = printToken(await createTimestampResponse({ request: { ...REQUEST, certReq: true }, signer, chainDer: chain.chainDer }));
    expect(leafOnly.match(/cert_info:/g)).toHaveLength(1);
    const all = printToken(await createTimestampResponse({ request: { ...REQUEST, certReq: true }, signer, chainDer: chain.chainDer, includeChain: true }));
    expect(all.match(/cert_info:/g)).toHaveLength(3);
  });

  it('answers many requests from one Timestamper, each with its own (random) serial number', async () => {
    const tsa = createTimestamper({ signer, chainDer: chain.chainDer });
    const [a, b] = await Promise.all([tsa.respond(REQUEST), tsa.respond(REQUEST)]);
    expect(printToken(a!)).toContain('id-smime-ct-TSTInfo');
    expect(a).not.toEqual(b);
  });

  it("refuses a signer that is not the leaf's key, and an empty chain", async () => {
    await expect(createTimestampResponse({ request: REQUEST, signer: createEphemeralSigner(), chainDer: chain.chainDer })).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
    await expect(createTimestampResponse({ request: REQUEST, signer, chainDer: [] })).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
  });

  it('writes genTime in whole seconds, UTC, and the default policy', async () => {
    const clock = () => new Date('2026-03-04T05:06:07.890Z');
    const der = await createTimestampResponse({ request: REQUEST, signer, chainDer: chain.chainDer, clock, policyOid: '1.2.3.4' });
    const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
    spawnSync('sh', ['-c', `cat > ${dir}/r.tsr`], { input: der });
    const text = spawnSync('openssl', ['ts', '-reply', '-in', `${dir}/r.tsr`, '-text']).stdout.toString();
    spawnSync('rm', ['-rf', dir]);
    expect(text).toContain('Time stamp: Mar  4 05:06:07 2026 GMT');
    expect(text).toContain('Policy OID: 1.2.3.4');
    expect(Buffer.from(der).includes(Buffer.from('20260304050607Z'))).toBe(true);
  });
});
