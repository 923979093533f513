import crypto, { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { initCa } from '@sigbox/ca';
import { spkiDer, encoding, sha256 } from '@sigbox/core';
import { type Database, createDb, runMigrations } from '@sigbox/db';
import { type KeyEntry, type KeySecrets, addKeys, createKey, hsmLabel, loadKeyring, newestKey, nextKeyName, publicKeyPem } from '@sigbox/keyring';
import { StartError } from '../error.js';
import { chainDerOf, chainPemOf, subjectOf } from './trust-history.js';
import { type TrustRole, activeKey, readTrustKeys, recordNewKey } from './trust-keys.js';
import { readTsaChain, writeTsaChain } from './tsa-ceremony.js';

/** The roles `sigbox rotate` rotates. */
export type RotatableRole = Extract<TrustRole, 'ca' | 'rekor' | 'ct' | 'tsa'>;

export interface RotateOptions {
  readonly role: RotatableRole;
  readonly db: Database;
  readonly keysDir: string;
  readonly secrets: KeySecrets;
  readonly clock?: () => Date;
}

export interface Rotation {
  readonly previous: string;
  readonly entry: KeyEntry;
  readonly keyId: string;
  readonly validFrom: Date;
}

/** Hex SHA-256 of a certificate: the trust history's ID of a CA (its issuing certificate). */
export const certificateKeyId = (der: Uint8Array) => encoding.toHex(sha256(der));

/** A new CA beside the old one: same subject, same custody, a new root and issuing intermediate. */
async function newCa(keysDir: string, name: string, secrets: KeySecrets, hsm: { module: string; tokenLabel: string } | undefined, previousChainPem: string) {
  const rootDer = chainDerOf(previousChainPem).at(-1) as Uint8Array;
  const root = new X509Certificate(Buffer.from(rootDer));
  const algorithm = root.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : root.publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : 'ecdsa-p384';
  const keys = hsm === undefined ? { kind: 'file' as const, passphrase: secrets.passphrase } : { kind: 'hsm' as const, ...hsm, pin: secrets.pin ?? '', rootKeyLabel: hsmLabel(`${name}-root`), intermediateKeyLabel: hsmLabel(name) };
  const made = await initCa({ dir: path.join(keysDir, name), subject: subjectOf(rootDer), keys, algorithm });
  const issuing = new X509Certificate(made.intermediate.der);
  const entry: KeyEntry = { name, role: 'ca', algorithm, publicKey: publicKeyPem(issuing.publicKey), createdAt: new Date().toISOString(), custody: 'ca-dir', dir: name };
  return { entry, keyId: certificateKeyId(made.intermediate.der), material: chainPemOf(made.chainDer) };
}

/**
 * A new TSA: a new leaf key in the same custody and a whole new chain for it (tsa-ceremony.ts: the root and
 * intermediate are made for one chain), under the previous root's organization.
 */
async function newTsa(keysDir: string, hsm: { module: string; tokenLabel: string } | undefined, name: string, custody: 'file' | 'hsm', secrets: KeySecrets, previousChainPem: string, algorithm: KeyEntry['algorithm']) {
  const entry = await createKey(keysDir, hsm, { name, role: 'tsa', algorithm, custody }, secrets);
  await writeTsaChain(keysDir, entry, crypto.createPublicKey(entry.publicKey), subjectOf(chainDerOf(previousChainPem).at(-1) as Uint8Array).organization);
  const chainDer = chainDerOf(await readTsaChain(keysDir, name));
  return { entry, keyId: certificateKeyId(chainDer[0] as Uint8Array), material: chainPemOf(chainDer) };
}

/**
 * `sigbox rotate <role>`: makes the role's next key in custody (the keyring's token, or an encrypted file; a CA:
 * a whole new CA folder), adds it to keyring.json, and records it in the trust history as the key that signs from
 * now on. The old key keeps its row: the running boxes, which poll the history, switch to the new key (a log opens a
 * new tree and freezes the old one), then end the old key's window once nothing it signs is in flight, and
 * publish the new trust files. No request is refused meanwhile.
 */
export async function rotateKey(options: RotateOptions): Promise<Rotation> {
  const keyring = await loadKeyring(options.keysDir);
  const history = await readTrustKeys(options.db);
  const current = activeKey(history, options.role);
  if (current === undefined) throw new StartError('KEY_UNUSABLE', `no ${options.role} key has served yet: start the box once before rotating`);
  const name = nextKeyName(keyring, options.role);
  const custody = keyring.hsm === undefined ? 'file' : 'hsm';
  let entry: KeyEntry;
  let keyId: string;
  let material: string;
  if (options.role === 'ca') {
    ({ entry, keyId, material } = await newCa(keyring.dir, name, options.secrets, keyring.hsm, current.material));
  } else if (options.role === 'tsa') {
    ({ entry, keyId, material } = await newTsa(keyring.dir, keyring.hsm, name, custody, options.secrets, current.material, newestKey(keyring, 'tsa').algorithm));
  } else {
    entry = await createKey(keyring.dir, keyring.hsm, { name, role: options.role, algorithm: newestKey(keyring, options.role).algorithm, custody }, options.secrets);
    const publicKey = crypto.createPublicKey(entry.publicKey);
    keyId = encoding.toHex(sha256(spkiDer(publicKey)));
    material = entry.publicKey;
  }
  await addKeys(keyring.dir, [entry]);
  const validFrom = (options.clock ?? (() => new Date()))();
  // The tree of a new log key is recorded by the first box that opens it.
  await recordNewKey(options.db, { role: options.role, key_id: keyId, key_name: name, material, tree_id: null, valid_from: validFrom });
  return { previous: current.key_name, entry, keyId, validFrom };
}

/** Where `sigbox rotate` finds the box's database: the running box's PostgreSQL, or the data folder's PGlite (box stopped). */
export interface RotateInOptions extends Omit<RotateOptions, 'db'> {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/** {@link rotateKey} on the box's database, opened and closed here. */
export async function rotateKeyIn(options: RotateInOptions): Promise<Rotation> {
  const db = createDb(options.databaseUrl === undefined ? { pglite: { dataDir: path.join(options.dataDir, 'pglite') } } : { url: options.databaseUrl });
  try {
    await runMigrations(db);
    return await rotateKey({ ...options, db });
  } finally {
    await db.close();
  }
}
