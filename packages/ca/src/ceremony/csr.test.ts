import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, verifySignature } from '@sigbox/core';
import { type TestCa, createTestCa } from '@sigbox/testkit';
import { parseCsr } from '@sigbox/x509';
import { createCaCsr } from './csr.js';
import { importIntermediate } from './import.js';
import { loadCa } from './load.js';

const AT = new Date('2030-01-01T00:00:00Z');
const clock = () => AT;
const VALIDITY = { notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z') };
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-ceremony-csr-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

/** The external root's side of the exchange: sign whatever key the CSR carries, with Fulcio's intermediate profile. */
async function externalRootSigns(corp: TestCa, csrPem: string): Promise<string> {
  return (await corp.issueIntermediate(parseCsr(csrPem).publicKey, { organization: 'corp', commonName: 'sigbox-issuing' })).pem;
}

describe('createCaCsr + importIntermediate with an external root', () => {
  let corp: TestCa;
  beforeAll(async () => {
    corp = await createTestCa({ commonName: 'corp-root', organization: 'corp', algorithm: 'ecdsa-p384', validity: VALIDITY });
  });

  it('completes a CA that loads and signs with the key the CSR was made for', async () => {
    const dir = path.join(temp, 'ok');
    const { csrPem, paths } = await createCaCsr({ dir, subject: { organization: 'corp', commonName: 'sigbox' }, keys: { kind: 'file', passphrase: 'pw' } });
    expect(csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(fs.readFileSync(paths.intermediateCsr, 'utf8')).toBe(csrPem);
    expect(fs.readFileSync(paths.intermediateKey, 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    await expect(loadCa({ dir, passphrase: 'pw', clock })).rejects.toMatchObject({ code: 'CA_NOT_FOUND', message: expect.stringMatching(/sigbox ca import/) });

    const certPem = await externalRootSigns(corp, csrPem);
    const { chainDer } = await importIntermediate({ dir, certPem, rootPem: corp.root.pem, clock });
    expect(fs.readFileSync(paths.chain, 'utf8')).toBe(certPem + corp.root.pem);
    expect(fs.readFileSync(paths.rootCert, 'utf8')).toBe(corp.root.pem);
    expect(fs.readFileSync(paths.intermediateCert, 'utf8')).toBe(certPem);
    expect(new crypto.X509Certificate(chainDer[0]!).verify(corp.root.signer.publicKey)).toBe(true);

    const loaded = await loadCa({ dir, passphrase: 'pw', clock });
    const data = encoding.utf8('leaf tbs');
    expect(verifySignature(new crypto.X509Certificate(certPem).publicKey, data, await loaded.signer.sign(data))).toBe(true);
    await expect(importIntermediate({ dir, certPem, rootPem: corp.root.pem, clock })).rejects.toMatchObject({ code: 'CA_EXISTS' });
    await expect(createCaCsr({ dir, subject: { commonName: 'x' }, keys: { kind: 'file', passphrase: 'pw' } })).rejects.toMatchObject({ code: 'CA_EXISTS' });
  });

  it('reuses the pending key on a rerun and refuses a wrong passphrase for it', async () => {
    const dir = path.join(temp, 'rerun');
    const first = await createCaCsr({ dir, subject: { commonName: 'a' }, keys: { kind: 'file' }, algorithm: 'ecdsa-p256' });
    const second = await createCaCsr({ dir, subject: { commonName: 'b' }, keys: { kind: 'file' } });
    expect(parseCsr(second.csrPem).publicKeySpki).toEqual(parseCsr(first.csrPem).publicKeySpki);
    const encrypted = path.join(temp, 'rerun-encrypted');
    await createCaCsr({ dir: encrypted, subject: { commonName: 'a' }, keys: { kind: 'file', passphrase: 'pw' } });
    await expect(createCaCsr({ dir: encrypted, subject: { commonName: 'a' }, keys: { kind: 'file', passphrase: 'nope' } })).rejects.toMatchObject({ code: 'BAD_PASSPHRASE' });
  });

  it('refuses a certificate for another key, a non-CA certificate chain, and an import without a CSR', async () => {
    const dir = path.join(temp, 'wrong-key');
    await createCaCsr({ dir, subject: { commonName: 'sigbox' }, keys: { kind: 'file' } });
    const otherCsr = (await createCaCsr({ dir: path.join(temp, 'other'), subject: { commonName: 'other' }, keys: { kind: 'file' } })).csrPem;
    const foreign = await externalRootSigns(corp, otherCsr);
    await expect(importIntermediate({ dir, certPem: foreign, rootPem: corp.root.pem, clock })).rejects.toMatchObject({ code: 'INVALID_CA', message: expect.stringMatching(/signer's key/) });
    const strangerRoot = (await createTestCa({ commonName: 'stranger', algorithm: 'ecdsa-p384', validity: VALIDITY })).root.pem;
    const mine = await externalRootSigns(corp, fs.readFileSync(path.join(dir, 'intermediate.csr.pem'), 'utf8'));
    await expect(importIntermediate({ dir, certPem: mine, rootPem: strangerRoot, clock })).rejects.toMatchObject({ code: 'INVALID_CA' });
    expect(fs.existsSync(path.join(dir, 'chain.pem'))).toBe(false);
    await expect(importIntermediate({ dir: path.join(temp, 'nothing'), certPem: mine, rootPem: corp.root.pem })).rejects.toMatchObject({ code: 'CSR_NOT_FOUND' });
  });
});
