import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKeySigner, generatePrivateKey } from '@sigbox/core';
import { type KeyEntry, keysOf, loadKeyring, publicKeyPem } from '@sigbox/keyring';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDevKeyring } from './dev-keyring.js';
import { checkTsaAlgorithm, loadTsaChain, tsaChainFile, writeTsaChain } from './tsa-ceremony.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-tsa-ceremony-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

function fileKey(name: string, algorithm: 'ecdsa-p256' | 'ed25519' = 'ecdsa-p256') {
  const privateKey = generatePrivateKey(algorithm);
  const signer = createKeySigner(privateKey);
  const entry: KeyEntry = { name, role: 'tsa', algorithm, publicKey: publicKeyPem(privateKey), createdAt: new Date().toISOString(), custody: 'file', file: `${name}.key.pem` };
  return { entry, signer, privateKey, close: () => Promise.resolve() };
}

describe('the TSA ceremony', () => {
  it('writes a chain the opened key loads with (checkTsaLeaf), and keeps the first chain when asked twice', async () => {
    const key = fileKey('tsa-1');
    await writeTsaChain(temp, key.entry, key.signer.publicKey, 'Example');
    const first = fs.readFileSync(path.join(temp, tsaChainFile('tsa-1')), 'utf8');
    await writeTsaChain(temp, key.entry, key.signer.publicKey, 'Example');
    expect(fs.readFileSync(path.join(temp, tsaChainFile('tsa-1')), 'utf8')).toBe(first);
    const loaded = await loadTsaChain(temp, key);
    expect(loaded.chainDer).toHaveLength(3);
  });

  it('refuses a chain for another key, a key without its chain, and Ed25519 (not verified by every client)', async () => {
    const other = fileKey('tsa-1');
    await expect(loadTsaChain(temp, other)).rejects.toMatchObject({ code: 'INVALID_CHAIN' });
    await expect(loadTsaChain(temp, fileKey('tsa-2'))).rejects.toMatchObject({ code: 'INVALID_KEYRING' });
    expect(() => checkTsaAlgorithm('tsa-3', 'ed25519')).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    const ed = fileKey('tsa-3', 'ed25519');
    await expect(writeTsaChain(temp, ed.entry, ed.signer.publicKey, 'Example')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('gives a development keyring made before the TSA its TSA key on the next start', async () => {
    const dataDir = path.join(temp, 'dev');
    const keyring = await ensureDevKeyring(dataDir);
    expect(keysOf(keyring, 'tsa').map((k) => k.name)).toEqual(['tsa-1']);
    // An older keyring: the same without its TSA entry.
    const file = path.join(keyring.dir, 'keyring.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { keys: KeyEntry[] };
    fs.writeFileSync(file, JSON.stringify({ ...doc, keys: doc.keys.filter((k) => k.role !== 'tsa') }));
    expect(keysOf(await loadKeyring(keyring.dir), 'tsa')).toEqual([]);
    const upgraded = await ensureDevKeyring(dataDir);
    expect(keysOf(upgraded, 'tsa').map((k) => k.name)).toEqual(['tsa-1']);
    expect(keysOf(await ensureDevKeyring(dataDir), 'tsa')).toHaveLength(1);
  });
});
