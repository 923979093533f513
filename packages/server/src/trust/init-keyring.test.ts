import nodeCrypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKeyring, openKey } from '@sigbox/keyring';
import { parseDocument, verifyRootUpdate } from '@sigbox/tuf';
import { createSoftHsmToken, softHsmLibrary } from '@sigbox/testkit';
import { createTimestamper, parseJsonTimestampRequest } from '@sigbox/tsa';
import { openBoxKeys } from './box-keys.js';
import { initKeyring } from './init-keyring.js';

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sigbox-init-'));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));
const ca = { subject: { organization: 'Example', commonName: 'Example Sigstore' }, algorithm: 'ecdsa-p256' } as const;

/**
 * The ceremony's TSA opens as `sigbox up` opens it (its chain read and checked against the key: checkTsaLeaf),
 * signs a timestamp, and its chain is leaf (critical timeStamping EKU) → intermediate → root.
 */
async function expectTsaServes(dir: string, secrets: { passphrase?: string; pin?: string }): Promise<void> {
  const keys = openBoxKeys({ keyring: await loadKeyring(dir), secrets, allowPlaintext: false });
  try {
    const tsa = await keys.tsa('tsa-1');
    expect(tsa.chainDer).toHaveLength(3);
    expect(tsa.chainPem).toBe(fs.readFileSync(path.join(dir, 'tsa-1.chain.pem'), 'utf8'));
    const leaf = new X509Certificate(Buffer.from(tsa.chainDer[0]!));
    expect(leaf.subject).toBe('CN=Example TSA\nO=Example');
    const timestamper = createTimestamper({ signer: tsa.key.signer, chainDer: tsa.chainDer });
    const reply = await timestamper.respond(parseJsonTimestampRequest(JSON.stringify({ artifactHash: Buffer.alloc(32).toString('base64'), hashAlgorithm: 'sha256' })));
    expect(reply.length).toBeGreaterThan(100);
  } finally {
    await keys.close();
  }
}

/** Every file under `dir`, relative, with its mode. */
function walk(dir: string, prefix = ''): Array<{ file: string; mode: number }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, `${prefix}${e.name}/`) : [{ file: `${prefix}${e.name}`, mode: fs.statSync(full).mode & 0o777 }];
  });
}

describe('the key ceremony (sigbox init)', () => {
  it('makes every key of a box, each encrypted (0600) in a 0700 folder, and a root 1 a threshold of root keys signed', async () => {
    const dir = path.join(temp, 'files');
    const made = await initKeyring({ dir, custody: { kind: 'file' }, secrets: { passphrase: 'pw' }, ca, tufRootKeys: 3, tufRootThreshold: 2 });
    expect(made.keys.map((k) => k.name)).toEqual(['ca-1', 'rekor-1', 'rekor-v2-1', 'ct-1', 'tsa-1', 'tuf-root-1', 'tuf-root-2', 'tuf-root-3', 'tuf-targets-1', 'tuf-snapshot-1', 'tuf-timestamp-1']);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = walk(dir);
    const keyFiles = files.filter((f) => f.file.endsWith('.key.pem'));
    expect(keyFiles.map((f) => f.file).sort()).toEqual(['ca-1/intermediate.key.pem', 'ca-1/root.key.pem', 'ct-1.key.pem', 'rekor-1.key.pem', 'rekor-v2-1.key.pem', 'tsa-1.key.pem', 'tuf-root-1.key.pem', 'tuf-root-2.key.pem', 'tuf-root-3.key.pem', 'tuf-snapshot-1.key.pem', 'tuf-targets-1.key.pem', 'tuf-timestamp-1.key.pem']);
    for (const { file, mode } of keyFiles) {
      expect(mode, file).toBe(0o600);
      expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    }
    expect(files.some((f) => f.file.includes('.init-'))).toBe(false);
    const root = parseDocument(fs.readFileSync(path.join(dir, 'tuf', '1.root.json')), 'root');
    verifyRootUpdate(undefined, root); // a threshold of its own root keys signed it
    expect((root.json as { signed: { roles: { root: { threshold: number; keyids: string[] } } } }).signed.roles.root).toMatchObject({ threshold: 2 });
    const keyring = await loadKeyring(dir);
    const opened = await openKey(dir, keyring.hsm, keyring.keys[1]!, { passphrase: 'pw' });
    expect(opened.signer.algorithm).toBe('ecdsa-p256');
    await expectTsaServes(dir, { passphrase: 'pw' });
    // The Rekor v2 checkpoint key is Ed25519 (C2SP tlog-tiles: what witnesses accept).
    const v2 = await openKey(dir, keyring.hsm, keyring.keys.find((k) => k.role === 'rekor-v2')!, { passphrase: 'pw' });
    expect(v2.signer.algorithm).toBe('ed25519');
  });

  it('refuses a folder that is not empty, and a file keyring without a passphrase, before making anything', async () => {
    const dir = path.join(temp, 'files');
    await expect(initKeyring({ dir, custody: { kind: 'file' }, secrets: { passphrase: 'pw' }, ca, tufRootKeys: 1 })).rejects.toMatchObject({ code: 'KEYRING_EXISTS' });
    const empty = path.join(temp, 'no-passphrase');
    await expect(initKeyring({ dir: empty, custody: { kind: 'file' }, secrets: {}, ca, tufRootKeys: 1 })).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    expect(fs.existsSync(empty)).toBe(false);
  });

  const library = softHsmLibrary();
  it.skipIf(!library)('with an HSM, writes no private key at all: every key is generated in the token', async () => {
    const token = await createSoftHsmToken(library!, { label: 'sigbox-init' });
    try {
      const dir = path.join(temp, 'hsm');
      await initKeyring({ dir, custody: { kind: 'hsm', module: token.module, tokenLabel: token.tokenLabel }, secrets: { pin: token.pin }, ca, tufRootKeys: 1 });
      for (const { file } of walk(dir)) expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).not.toContain('PRIVATE KEY');
      const keyring = await loadKeyring(dir);
      expect(keyring.keys.filter((k) => k.custody === 'hsm').map((k) => k.name)).toEqual(['rekor-1', 'rekor-v2-1', 'ct-1', 'tsa-1', 'tuf-root-1', 'tuf-targets-1', 'tuf-snapshot-1', 'tuf-timestamp-1']);
      const opened = await openKey(dir, keyring.hsm, keyring.keys[1]!, { pin: token.pin });
      await opened.close();
      // The Rekor v2 checkpoint key is an Ed25519 key in the token (CKM_EDDSA): its signatures verify as pure Ed25519.
      const v2 = await openKey(dir, keyring.hsm, keyring.keys.find((k) => k.role === 'rekor-v2')!, { pin: token.pin });
      try {
        expect(v2.signer.algorithm).toBe('ed25519');
        expect(v2.privateKey).toBeUndefined();
        const note = Buffer.from('log.example\n1\nAAAA\n');
        expect(nodeCrypto.verify(null, note, v2.signer.publicKey, await v2.signer.sign(note))).toBe(true);
      } finally {
        await v2.close();
      }
      // The TSA leaf key (ECDSA P-256) signs in SoftHSM, its chain checked against the token's key.
      await expectTsaServes(dir, { pin: token.pin });
    } finally {
      token.remove();
    }
  });
});

describe('upgrading a box made before the keyring', () => {
  it('takes over its log keys (in clear or encrypted), encrypted into the keyring, so its trees keep their keys', async () => {
    const { generatePrivateKey, privateKeyToPem, spkiDer } = await import('@sigbox/core');
    const old = path.join(temp, 'old');
    fs.mkdirSync(old);
    const rekorKey = generatePrivateKey('ecdsa-p256');
    const ctKey = generatePrivateKey('ecdsa-p256');
    fs.writeFileSync(path.join(old, 'rekor-log.pem'), privateKeyToPem(rekorKey, 'pw'));
    fs.writeFileSync(path.join(old, 'ct-log.pem'), privateKeyToPem(ctKey));
    const dir = path.join(temp, 'upgraded');
    await initKeyring({ dir, custody: { kind: 'file' }, secrets: { passphrase: 'pw' }, ca, tufRootKeys: 1, adopt: { rekor: path.join(old, 'rekor-log.pem'), ct: path.join(old, 'ct-log.pem') } });
    const keyring = await loadKeyring(dir);
    for (const [name, key] of [['rekor-1', rekorKey], ['ct-1', ctKey]] as const) {
      const opened = await openKey(dir, keyring.hsm, keyring.keys.find((k) => k.name === name)!, { passphrase: 'pw' });
      expect(Buffer.from(spkiDer(opened.signer.publicKey)).equals(Buffer.from(spkiDer(key)))).toBe(true);
      expect(fs.readFileSync(path.join(dir, `${name}.key.pem`), 'utf8')).toMatch(/ENCRYPTED PRIVATE KEY/);
    }
  });
});
