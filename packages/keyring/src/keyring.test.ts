import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, verifySignature } from '@sigbox/core';
import { type SoftHsmToken, createSoftHsmToken, softHsmLibrary } from '@sigbox/testkit';
import { KeyringError } from './error.js';
import { createKey, openKey } from './custody.js';
import { addKeys, createKeyringFile, loadKeyring, newestKey, nextKeyName } from './keyring.js';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-keyring-'));
const message = encoding.utf8('signed by the keyring');
const code = async (p: Promise<unknown>) => (await p.then(() => undefined, (e: unknown) => e as KeyringError))?.code;

describe('file custody', () => {
  const dir = temp();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes an encrypted 0600 key, records it, and opens it only with the passphrase', async () => {
    const entry = await createKey(dir, undefined, { name: 'rekor-1', role: 'rekor', algorithm: 'ecdsa-p256', custody: 'file' }, { passphrase: 'pw' });
    await createKeyringFile(dir, { hsm: undefined, keys: [entry] });
    const file = path.join(dir, 'rekor-1.key.pem');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    const keyring = await loadKeyring(dir);
    const opened = await openKey(dir, keyring.hsm, newestKey(keyring, 'rekor'), { passphrase: 'pw' });
    expect(verifySignature(opened.signer.publicKey, message, await opened.signer.sign(message))).toBe(true);
    expect(opened.privateKey).toBeDefined();
    expect(await code(openKey(dir, undefined, entry, {}))).toBe('PASSPHRASE_REQUIRED');
    expect(await code(openKey(dir, undefined, entry, { passphrase: 'wrong' }))).toBe('BAD_PASSPHRASE');
  });

  it('refuses a key in clear unless allowed (--dev), on write and on read', async () => {
    const spec = { name: 'ct-1', role: 'ct', algorithm: 'ecdsa-p256', custody: 'file' } as const;
    expect(await code(createKey(dir, undefined, spec, {}))).toBe('PASSPHRASE_REQUIRED');
    const entry = await createKey(dir, undefined, spec, {}, { allowPlaintext: true });
    expect(await code(openKey(dir, undefined, entry, { passphrase: 'pw' }))).toBe('PLAINTEXT_KEY');
    expect((await openKey(dir, undefined, entry, {}, { allowPlaintext: true })).signer.algorithm).toBe('ecdsa-p256');
  });

  it('refuses a swapped key file and never overwrites one', async () => {
    const a = await createKey(dir, undefined, { name: 'tsa-1', role: 'tsa', algorithm: 'ecdsa-p256', custody: 'file' }, { passphrase: 'pw' });
    const b = await createKey(dir, undefined, { name: 'tsa-2', role: 'tsa', algorithm: 'ecdsa-p256', custody: 'file' }, { passphrase: 'pw' });
    const swapped = { ...a, file: b.custody === 'file' ? b.file : '' } as typeof a;
    expect(await code(openKey(dir, undefined, swapped, { passphrase: 'pw' }))).toBe('KEY_MISMATCH');
    expect(await code(createKey(dir, undefined, { name: 'tsa-1', role: 'tsa', algorithm: 'ecdsa-p256', custody: 'file' }, { passphrase: 'pw' }))).toBe('KEYRING_EXISTS');
  });

  it('grows by new names and keeps the order keys were made in', async () => {
    const keyring = await loadKeyring(dir);
    expect(nextKeyName(keyring, 'rekor')).toBe('rekor-2');
    const entry = await createKey(dir, undefined, { name: 'rekor-2', role: 'rekor', algorithm: 'ecdsa-p256', custody: 'file' }, { passphrase: 'pw' });
    const grown = await addKeys(dir, [entry]);
    expect(newestKey(grown, 'rekor').name).toBe('rekor-2');
    expect((await loadKeyring(dir)).keys.map((k) => k.name)).toEqual(['rekor-1', 'rekor-2']);
    expect(await code(createKeyringFile(dir, grown))).toBe('KEYRING_EXISTS');
  });

  it('names the ceremony when there is no keyring and refuses a damaged one', async () => {
    const empty = temp();
    expect(await code(loadKeyring(empty))).toBe('KEYRING_NOT_FOUND');
    fs.writeFileSync(path.join(empty, 'keyring.json'), '{"mediaType":"x","keys":[]}');
    expect(await code(loadKeyring(empty))).toBe('INVALID_KEYRING');
    fs.rmSync(empty, { recursive: true });
  });
});

const library = softHsmLibrary();

describe.skipIf(!library)('HSM custody (SoftHSM)', () => {
  let token: SoftHsmToken;
  const dir = temp();
  beforeAll(async () => {
    token = await createSoftHsmToken(library!, { label: 'sigbox-keys' });
  });
  afterAll(() => {
    token?.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates the key in the token, writes no key file, and needs the PIN to sign', async () => {
    const hsm = { module: token.module, tokenLabel: token.tokenLabel };
    const entry = await createKey(dir, hsm, { name: 'tuf-timestamp-1', role: 'tuf-timestamp', algorithm: 'ecdsa-p256', custody: 'hsm' }, { pin: token.pin });
    await createKeyringFile(dir, { hsm, keys: [entry] });
    expect(fs.readdirSync(dir)).toEqual(['keyring.json']);
    expect(fs.readFileSync(path.join(dir, 'keyring.json'), 'utf8')).not.toContain(token.pin);
    const keyring = await loadKeyring(dir);
    const opened = await openKey(dir, keyring.hsm, keyring.keys[0]!, { pin: token.pin });
    try {
      expect(opened.privateKey).toBeUndefined();
      expect(verifySignature(opened.signer.publicKey, message, await opened.signer.sign(message))).toBe(true);
    } finally {
      await opened.close();
    }
    expect(await code(openKey(dir, keyring.hsm, keyring.keys[0]!, {}))).toBe('PIN_REQUIRED');
  });
});
