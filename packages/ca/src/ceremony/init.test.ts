import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, verifySignature } from '@sigbox/core';
import { openssl, toolAvailable } from '@sigbox/testkit';
import { initCa, type InitializedCa } from './init.js';
import { loadCa } from './load.js';

const SUBJECT = { organization: 'example', commonName: 'example-ca' };
const AT = new Date('2030-01-01T00:00:00Z');
const clock = () => AT;
const mode = (file: string) => fs.statSync(file).mode & 0o777;

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-ceremony-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(temp, `ca-${++n}`);

describe('initCa with file keys', () => {
  let ca: InitializedCa;
  beforeAll(async () => {
    ca = await initCa({ dir: freshDir(), subject: SUBJECT, keys: { kind: 'file' }, clock });
  });

  it('writes the layout: chain (intermediate, root), both certificates, keys 0600 in a 0700 folder', () => {
    expect(fs.readdirSync(ca.dir).sort()).toEqual(['chain.pem', 'intermediate.crt.pem', 'intermediate.key.pem', 'root.crt.pem', 'root.key.pem']);
    expect([...ca.files].sort()).toEqual(['chain', 'intermediateCert', 'intermediateKey', 'rootCert', 'rootKey']);
    expect(mode(ca.dir)).toBe(0o700);
    expect(mode(ca.paths.rootKey)).toBe(0o600);
    expect(mode(ca.paths.intermediateKey)).toBe(0o600);
    expect(fs.readFileSync(ca.paths.intermediateKey, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(fs.readFileSync(ca.paths.chain, 'utf8')).toBe(ca.intermediate.pem + ca.root.pem);
    expect(fs.readdirSync(temp).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('makes a chain node:crypto verifies: self-signed root, intermediate issued by it, CA flags and EKU', () => {
    const root = new crypto.X509Certificate(fs.readFileSync(ca.paths.rootCert));
    const intermediate = new crypto.X509Certificate(fs.readFileSync(ca.paths.intermediateCert));
    expect(root.subject).toBe('O=example\nCN=example-ca');
    expect(intermediate.subject).toBe('O=example\nCN=example-ca-intermediate');
    expect(root.checkIssued(root) && root.verify(root.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root) && intermediate.verify(root.publicKey)).toBe(true);
    expect(root.ca && intermediate.ca).toBe(true);
    expect(intermediate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']); // node reports the EKU here: codeSigning only
    expect(root.keyUsage).toBeUndefined();
    expect(new Date(root.validFrom)).toEqual(AT);
    expect(new Date(root.validTo)).toEqual(new Date('2040-01-01T00:00:00Z'));
    expect(new Date(intermediate.validTo)).toEqual(new Date('2035-01-01T00:00:00Z'));
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });

  it.skipIf(!toolAvailable('openssl', 'the CA chain is cross-checked with openssl'))('passes openssl: pathlen 1 / pathlen 0, EKU Code Signing, chain verifies', () => {
    const text = (file: string) => openssl(['x509', '-noout', '-text', '-in', file]);
    const root = text(ca.paths.rootCert);
    const intermediate = text(ca.paths.intermediateCert);
    expect(root).toMatch(/CA:TRUE, pathlen:1/);
    expect(root).toMatch(/Certificate Sign, CRL Sign/);
    expect(root).not.toMatch(/Extended Key Usage/);
    expect(intermediate).toMatch(/CA:TRUE, pathlen:0/);
    expect(intermediate).toMatch(/X509v3 Extended Key Usage: *\n *Code Signing/);
    const at = String(Math.floor(AT.getTime() / 1000) + 60);
    const verified = openssl(['verify', '-attime', at, '-CAfile', ca.paths.rootCert, ca.paths.intermediateCert]);
    expect(verified).toMatch(/: OK/);
  });

  it('loads back: the signer is the intermediate key and the chain is chain.pem', async () => {
    const loaded = await loadCa({ dir: ca.dir, clock });
    const data = encoding.utf8('tbs');
    const signature = await loaded.signer.sign(data);
    const intermediate = new crypto.X509Certificate(ca.intermediate.der);
    expect(verifySignature(intermediate.publicKey, data, signature)).toBe(true);
    expect(loaded.chainDer).toEqual([ca.intermediate.der, ca.root.der]);
    await loaded.close();
  });

  it('refuses to overwrite it, or any non-empty folder, and leaves it untouched', async () => {
    const before = fs.readFileSync(ca.paths.intermediateKey, 'utf8');
    await expect(initCa({ dir: ca.dir, subject: SUBJECT, keys: { kind: 'file' } })).rejects.toMatchObject({ name: 'CeremonyError', code: 'CA_EXISTS' });
    const other = freshDir();
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'notes.txt'), 'x');
    await expect(initCa({ dir: other, subject: SUBJECT, keys: { kind: 'file' } })).rejects.toMatchObject({ code: 'CA_EXISTS' });
    expect(fs.readFileSync(ca.paths.intermediateKey, 'utf8')).toBe(before);
  });

  it('fills an existing empty folder', async () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const made = await initCa({ dir, subject: SUBJECT, keys: { kind: 'file' }, algorithm: 'ecdsa-p256' });
    expect(new crypto.X509Certificate(made.root.der).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('rejects validity it cannot honour and empty names', async () => {
    const bad = (o: object) => expect(initCa({ dir: freshDir(), subject: SUBJECT, keys: { kind: 'file' }, ...o })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await bad({ rootValidityYears: 5, intermediateValidityYears: 6 });
    await bad({ rootValidityYears: 0 });
    await bad({ intermediateValidityYears: 1.5 });
    await bad({ subject: { organization: 'o', commonName: '' } });
  });
});

describe('initCa with an encrypted key file', () => {
  it('writes ENCRYPTED PRIVATE KEY and needs the passphrase to load', async () => {
    const ca = await initCa({ dir: freshDir(), subject: SUBJECT, keys: { kind: 'file', passphrase: 'correct horse' }, clock });
    for (const file of [ca.paths.rootKey, ca.paths.intermediateKey]) expect(fs.readFileSync(file, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    await expect(loadCa({ dir: ca.dir, clock })).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    await expect(loadCa({ dir: ca.dir, clock, passphrase: 'wrong' })).rejects.toMatchObject({ code: 'BAD_PASSPHRASE' });
    const loaded = await loadCa({ dir: ca.dir, clock, passphrase: 'correct horse' });
    expect(loaded.signer.publicKey.equals(new crypto.X509Certificate(ca.intermediate.der).publicKey)).toBe(true);
  });
});

describe('initCa with RSA keys', () => {
  it('makes RSA-4096 keys (the RSA size the Fulcio certificate specification recommends) that load and verify', async () => {
    const ca = await initCa({ dir: freshDir(), subject: SUBJECT, keys: { kind: 'file' }, algorithm: 'rsa', clock });
    const root = new crypto.X509Certificate(ca.root.der);
    expect(root.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(new crypto.X509Certificate(ca.intermediate.der).verify(root.publicKey)).toBe(true);
    expect((await loadCa({ dir: ca.dir, clock })).signer.algorithm).toBe('rsa');
  });
});
