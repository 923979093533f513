import { X509Certificate, createPublicKey } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type CaKeyAlgorithm, type CaName, initCa, loadCa } from '@sigbox/ca';
import { signFirstRoot } from '../tuf/tuf-root.js';
import { writeTsaChain } from './tsa-ceremony.js';
import { keyAlgorithm } from '@sigbox/core';
import { KEYRING_FILE, type KeyEntry, type KeyRole, type KeySecrets, type KeyringHsm, KeyringError, createKey, createKeyringFile, ensurePrivateDir, hsmLabel, keyFileName, publicKeyPem, readKeyFile, syncDir, writeKeyFile } from '@sigbox/keyring';

/** Where the ceremony puts every key: encrypted files in the keyring folder, or the one token. */
export type CeremonyCustody = { readonly kind: 'file' } | ({ readonly kind: 'hsm' } & KeyringHsm);

export interface InitKeyringOptions {
  /** The keyring folder: absent or empty. */
  readonly dir: string;
  readonly custody: CeremonyCustody;
  readonly secrets: KeySecrets;
  /** The CA made for the box (its subject and key type), or an existing CA folder (e.g. an intermediate under an outside root). */
  readonly ca: { readonly subject: CaName; readonly algorithm: CaKeyAlgorithm } | { readonly adopt: string };
  /** How many TUF root keys to make, and how many of them must sign a root. */
  readonly tufRootKeys: number;
  readonly tufRootThreshold?: number;
  /**
   * Log keys a box made before the keyring existed (`--log-key`, `<data>/keys/ct-log.pem`), taken over as `rekor-1`
   * and `ct-1` so its trees keep their keys: read (encrypted with the passphrase, or in clear) and written back
   * encrypted into the keyring. The originals are left for the operator to destroy.
   */
  readonly adopt?: { readonly rekor?: string | undefined; readonly ct?: string | undefined };
}

export interface InitializedKeyring {
  readonly dir: string;
  readonly keys: readonly KeyEntry[];
}

/**
 * The keys of a box besides its CA, in the order they are made. Root keys: `tuf-root-1` … `tuf-root-N`. Every key is
 * ECDSA P-256 but the Rekor v2 checkpoint key, Ed25519 (the key type witnesses accept, C2SP tlog-tiles).
 */
function keyPlan(tufRootKeys: number): Array<{ name: string; role: KeyRole; algorithm?: 'ed25519' }> {
  const roots = Array.from({ length: tufRootKeys }, (_, i) => ({ name: `tuf-root-${i + 1}`, role: 'tuf-root' as const }));
  return [
    { name: 'rekor-1', role: 'rekor' },
    // In a token too: @sigbox/pkcs11 makes Ed25519 keys (CKM_EC_EDWARDS_KEY_PAIR_GEN) and signs with CKM_EDDSA.
    { name: 'rekor-v2-1', role: 'rekor-v2', algorithm: 'ed25519' },
    { name: 'ct-1', role: 'ct' },
    { name: 'tsa-1', role: 'tsa' },
    ...roots,
    { name: 'tuf-targets-1', role: 'tuf-targets' },
    { name: 'tuf-snapshot-1', role: 'tuf-snapshot' },
    { name: 'tuf-timestamp-1', role: 'tuf-timestamp' },
  ];
}

async function assertAbsentOrEmpty(dir: string): Promise<void> {
  const entries = await fs.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  if (entries.length > 0) throw new KeyringError('KEYRING_EXISTS', `${dir} is not empty (${entries.slice(0, 3).join(', ')}); refusing to overwrite it`);
}

async function makeCa(staging: string, options: InitKeyringOptions): Promise<KeyEntry> {
  const createdAt = new Date().toISOString();
  if ('adopt' in options.ca) {
    const ca = await loadCa({ dir: options.ca.adopt, passphrase: options.secrets.passphrase, pin: options.secrets.pin });
    await ca.close();
    return { name: 'ca-1', role: 'ca', algorithm: ca.signer.algorithm, publicKey: publicKeyPem(ca.signer.publicKey), createdAt, custody: 'ca-dir', dir: path.resolve(options.ca.adopt) };
  }
  const { custody, secrets } = options;
  const keys =
    custody.kind === 'file'
      ? { kind: 'file' as const, passphrase: secrets.passphrase }
      : { kind: 'hsm' as const, module: custody.module, tokenLabel: custody.tokenLabel, pin: secrets.pin ?? '', rootKeyLabel: hsmLabel('ca-1-root'), intermediateKeyLabel: hsmLabel('ca-1') };
  const made = await initCa({ dir: path.join(staging, 'ca-1'), subject: options.ca.subject, keys, algorithm: options.ca.algorithm });
  return { name: 'ca-1', role: 'ca', algorithm: options.ca.algorithm, publicKey: publicKeyPem(new X509Certificate(made.intermediate.der).publicKey), createdAt, custody: 'ca-dir', dir: 'ca-1' };
}

/** The organization the TSA chain names: the CA's (with an adopted CA, `sigbox`). */
function organizationOf(options: InitKeyringOptions): string {
  return 'adopt' in options.ca ? 'sigbox' : options.ca.subject.organization;
}

/** An existing log key file, re-encrypted into the keyring (the passphrase is required to write it). */
async function adoptKey(staging: string, name: string, role: 'rekor' | 'ct', file: string, secrets: KeySecrets): Promise<KeyEntry> {
  const key = await readKeyFile(file, secrets, { allowPlaintext: true });
  const algorithm = keyAlgorithm(key);
  if (algorithm !== 'ecdsa-p256') throw new KeyringError('INVALID_OPTIONS', `${file}: a ${role} log key is ECDSA P-256, not ${algorithm}`);
  await writeKeyFile(path.join(staging, keyFileName(name)), key, secrets);
  return { name, role, algorithm, publicKey: publicKeyPem(key), createdAt: new Date().toISOString(), custody: 'file', file: keyFileName(name) };
}

/**
 * The key ceremony of a new box: its CA (root and issuing intermediate), the Rekor and CT log keys, the TSA key with
 * its chain (`tsa-1.chain.pem`, tsa-ceremony.ts), and the TUF
 * root, targets, snapshot and timestamp keys with root 1 signed by a threshold of the root keys (`tuf/1.root.json`), every one encrypted (PKCS#8, AES-256, mode 0600) or generated in the
 * token. Built in a private staging folder inside `dir` and moved into place with keyring.json last, so the keyring
 * is whole or absent (keys a token generated before a failure stay in it under their labels).
 */
export async function initKeyring(options: InitKeyringOptions): Promise<InitializedKeyring> {
  const dir = path.resolve(options.dir);
  await assertAbsentOrEmpty(dir);
  if (options.custody.kind === 'file' && options.secrets.passphrase === undefined) {
    throw new KeyringError('PASSPHRASE_REQUIRED', 'file keys are written encrypted: give a passphrase (SIGBOX_KEY_PASSPHRASE or --passphrase-file)');
  }
  if (options.custody.kind === 'hsm' && options.secrets.pin === undefined) throw new KeyringError('PIN_REQUIRED', 'HSM keys need the token PIN (SIGBOX_HSM_PIN or --pin-file)');
  // Staged inside the folder itself (a container's volume is writable, its parent may not be); keyring.json is
  // moved in last, so its presence means the keyring is whole.
  await ensurePrivateDir(dir);
  await fs.chmod(dir, 0o700);
  const staging = await fs.mkdtemp(path.join(dir, '.init-'));
  try {
    await fs.chmod(staging, 0o700);
    const hsm = options.custody.kind === 'hsm' ? { module: options.custody.module, tokenLabel: options.custody.tokenLabel } : undefined;
    const keys: KeyEntry[] = [await makeCa(staging, options)];
    for (const { name, role, algorithm } of keyPlan(options.tufRootKeys)) {
      const adopted = role === 'rekor' || role === 'ct' ? options.adopt?.[role] : undefined;
      const key = adopted === undefined ? await createKey(staging, hsm, { name, role, algorithm: algorithm ?? 'ecdsa-p256', custody: options.custody.kind }, options.secrets) : await adoptKey(staging, name, role as 'rekor' | 'ct', adopted, options.secrets);
      // The TSA leaf's chain is made as soon as its key is in custody (tsa-ceremony.ts): root and intermediate used once.
      if (role === 'tsa') await writeTsaChain(staging, key, createPublicKey(key.publicKey), organizationOf(options));
      keys.push(key);
    }
    await createKeyringFile(staging, { hsm, keys });
    await signFirstRoot({ keyring: { dir: staging, hsm, keys }, secrets: options.secrets, threshold: options.tufRootThreshold ?? 1 });
    await syncDir(staging);
    for (const entry of await fs.readdir(staging)) if (entry !== KEYRING_FILE) await fs.rename(path.join(staging, entry), path.join(dir, entry));
    await syncDir(dir);
    await fs.rename(path.join(staging, KEYRING_FILE), path.join(dir, KEYRING_FILE));
    await syncDir(dir);
    return { dir, keys };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}
