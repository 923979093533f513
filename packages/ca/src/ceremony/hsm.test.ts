import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, spkiDer, verifySignature } from '@sigbox/core';
import { openPkcs11Signer } from '@sigbox/pkcs11';
import { type SoftHsmToken, createSoftHsmToken, softHsmLibrary } from '@sigbox/testkit';
import { parseCsr } from '@sigbox/x509';
import { createCaCsr } from './csr.js';
import { initCa, type InitializedCa } from './init.js';
import { loadCa } from './load.js';

const library = softHsmLibrary();
const AT = new Date('2030-01-01T00:00:00Z');
const clock = () => AT;

describe.skipIf(!library)('initCa with HSM keys (SoftHSM)', () => {
  let token: SoftHsmToken;
  let ca: InitializedCa;
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-ceremony-hsm-'));
  const login = () => ({ module: token.module, tokenLabel: token.tokenLabel, pin: token.pin });

  beforeAll(async () => {
    token = await createSoftHsmToken(library!, { label: 'sigbox-ca' });
    const keys = { kind: 'hsm' as const, ...login(), rootKeyLabel: 'root', intermediateKeyLabel: 'intermediate' };
    ca = await initCa({ dir: path.join(temp, 'ca'), subject: { organization: 'o', commonName: 'hsm' }, keys, clock });
  });
  afterAll(() => {
    token?.remove();
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it('writes hsm.json (module, token, labels — no PIN) and no key files', () => {
    expect(fs.readdirSync(ca.dir).sort()).toEqual(['chain.pem', 'hsm.json', 'intermediate.crt.pem', 'root.crt.pem']);
    const text = fs.readFileSync(ca.paths.hsmConfig, 'utf8');
    expect(JSON.parse(text)).toEqual({ module: token.module, tokenLabel: 'sigbox-ca', rootKeyLabel: 'root', intermediateKeyLabel: 'intermediate' });
    expect(text).not.toContain(token.pin);
  });

  it('keeps the intermediate key in the token, sensitive and non-extractable, matching the certificate', async () => {
    // openPkcs11Signer refuses CKA_EXTRACTABLE or non-CKA_SENSITIVE keys unless allowExtractable is set.
    const signer = await openPkcs11Signer({ ...login(), keyLabel: 'intermediate' });
    try {
      expect(spkiDer(signer.publicKey)).toEqual(spkiDer(new crypto.X509Certificate(ca.intermediate.der).publicKey));
    } finally {
      await signer.close();
    }
    const root = new crypto.X509Certificate(ca.root.der);
    expect(new crypto.X509Certificate(ca.intermediate.der).verify(root.publicKey)).toBe(true);
  });

  it('loads with the PIN and signs in the token; refuses without it', async () => {
    await expect(loadCa({ dir: ca.dir, clock })).rejects.toMatchObject({ code: 'PIN_REQUIRED' });
    await expect(loadCa({ dir: ca.dir, clock, pin: '9999' })).rejects.toMatchObject({ name: 'Pkcs11Error', code: 'BAD_PIN' });
    const loaded = await loadCa({ dir: ca.dir, clock, pin: token.pin });
    try {
      const data = encoding.utf8('a TBSCertificate');
      expect(verifySignature(new crypto.X509Certificate(ca.intermediate.der).publicKey, data, await loaded.signer.sign(data))).toBe(true);
    } finally {
      await loaded.close();
    }
  });

  it('refuses a second ceremony on the same labels without touching the token keys', async () => {
    const keys = { kind: 'hsm' as const, ...login(), rootKeyLabel: 'root', intermediateKeyLabel: 'intermediate' };
    await expect(initCa({ dir: path.join(temp, 'second'), subject: { organization: 'o', commonName: 'x' }, keys })).rejects.toMatchObject({ code: 'KEY_EXISTS' });
    expect(fs.existsSync(path.join(temp, 'second'))).toBe(false);
    const loaded = await loadCa({ dir: ca.dir, clock, pin: token.pin });
    await loaded.close();
  });

  it('makes a CSR for an intermediate key generated in the token, and reuses it on a rerun', async () => {
    const dir = path.join(temp, 'csr');
    const keys = { kind: 'hsm' as const, ...login(), intermediateKeyLabel: 'csr-intermediate' };
    const first = await createCaCsr({ dir, subject: { commonName: 'ext' }, keys, algorithm: 'ecdsa-p256' });
    const second = await createCaCsr({ dir, subject: { commonName: 'ext' }, keys });
    const spki = (pem: string) => encoding.toHex(parseCsr(pem).publicKeySpki);
    expect(spki(first.csrPem)).toBe(spki(second.csrPem));
    const signer = await openPkcs11Signer({ ...login(), keyLabel: 'csr-intermediate' });
    expect(encoding.toHex(spkiDer(signer.publicKey))).toBe(spki(first.csrPem));
    await signer.close();
    expect(JSON.parse(fs.readFileSync(first.paths.hsmConfig, 'utf8'))).toEqual({ module: token.module, tokenLabel: 'sigbox-ca', intermediateKeyLabel: 'csr-intermediate' });
  });
});
