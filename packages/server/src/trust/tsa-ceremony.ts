import type { KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type KeyAlgorithm, createKeySigner, generatePrivateKey, parsePemBlocks } from '@sigbox/core';
import { type KeyEntry, KeyringError, type OpenedKey, PUBLIC_FILE_MODE, writeNewFile } from '@sigbox/keyring';
import { type TsaChain, checkTsaLeaf, createTsaChain } from '@sigbox/tsa';

/** The TSA chain of a `tsa` key, beside it in the keyring folder: `<name>.chain.pem`, leaf → intermediate → root. */
export const tsaChainFile = (name: string) => `${name}.chain.pem`;

/** The TSA's key type: ECDSA P-256 signs in every custody (files, SoftHSM) and every client verifies it. */
export const TSA_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

/** How long the chain is valid: as long as a timestamp must verify, so ten years (upstream's certmaker default root). */
const TSA_VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000;
/** notBefore a minute back: a client's clock slightly behind must not see a certificate from the future. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Refuses key types the TSA role does not take. Ed25519 TSA tokens verify in sigstore-js (packages/tsa
 * sigstore-js.test.ts) but not in OpenSSL 3.0, and sigstore-go's digitorus/pkcs7 path was not checked: until it is,
 * a box must not hand out tokens some clients cannot verify.
 */
export function checkTsaAlgorithm(name: string, algorithm: KeyAlgorithm): void {
  if (algorithm === 'ed25519') throw new KeyringError('INVALID_OPTIONS', `${name}: a TSA key must be ECDSA or RSA; Ed25519 timestamps are not verified by every Sigstore client`);
}

/**
 * The TSA ceremony: a root and an intermediate made for this chain only (their keys are generated here, sign once
 * and are dropped, so nothing can issue another TSA leaf under them; a rotation makes a new chain), and the leaf
 * for `leafPublicKey` with the critical timeStamping EKU (packages/tsa chain.ts follows upstream's certmaker).
 */
export async function makeTsaChain(leafPublicKey: KeyObject, organization: string, now = new Date()): Promise<TsaChain> {
  const notBefore = new Date(Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000);
  const org = organization.replaceAll(/[,+="\\<>;#]/g, ' ').trim() || 'sigbox';
  return createTsaChain({
    rootName: `CN=${org} TSA root,O=${org}`,
    intermediateName: `CN=${org} TSA intermediate,O=${org}`,
    leafName: `CN=${org} TSA,O=${org}`,
    rootSigner: createKeySigner(generatePrivateKey('ecdsa-p384')),
    intermediateSigner: createKeySigner(generatePrivateKey('ecdsa-p384')),
    leafPublicKey,
    validity: { notBefore, notAfter: new Date(notBefore.getTime() + TSA_VALIDITY_MS) },
  });
}

/**
 * Makes and stores the chain of the `tsa` key `entry` (already in custody) in `dir`. The chain file is created
 * exclusively: of two processes racing on one development keyring, the first one's chain stays.
 */
export async function writeTsaChain(dir: string, entry: KeyEntry, leafPublicKey: KeyObject, organization: string): Promise<void> {
  checkTsaAlgorithm(entry.name, entry.algorithm);
  const chain = await makeTsaChain(leafPublicKey, organization);
  try {
    await writeNewFile(path.join(dir, tsaChainFile(entry.name)), chain.chainPem, PUBLIC_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A TSA ready to sign: the opened leaf key and its chain, checked. */
export interface LoadedTsa {
  readonly key: OpenedKey;
  /** Leaf first. */
  readonly chainDer: Uint8Array[];
  readonly chainPem: string;
}

/** The stored chain PEM of the `tsa` key `name`. */
export async function readTsaChain(dir: string, name: string): Promise<string> {
  const file = path.join(dir, tsaChainFile(name));
  return fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new KeyringError('INVALID_KEYRING', `${name} is a TSA key without its chain (${file})`);
    throw err;
  });
}

/** Reads the chain of an opened `tsa` key and checks it as upstream does at start (checkTsaLeaf: profile, order, the key). */
export async function loadTsaChain(dir: string, key: OpenedKey): Promise<LoadedTsa> {
  checkTsaAlgorithm(key.entry.name, key.entry.algorithm);
  const chainPem = await readTsaChain(dir, key.entry.name);
  const chainDer = parsePemBlocks(chainPem).filter((b) => b.type === 'CERTIFICATE').map((b) => b.der);
  await checkTsaLeaf(chainDer, key.signer.publicKey);
  return { key, chainDer, chainPem };
}
