import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from './error.js';
import { asBytes } from './encoding.js';
import { type KeyAlgorithm, SIGNATURE_DIGEST, generatePrivateKey, keyAlgorithm, parsePrivateKey, privateKeyToPem } from './keys.js';

/**
 * Signs bytes with a key it may never reveal (a file, an HSM, memory). ECDSA signatures are ASN.1 DER over
 * the curve's digest of `data`, Ed25519 is pure, RSA is PKCS#1 v1.5 with SHA-256: what Sigstore clients verify.
 */
export interface Signer {
  readonly algorithm: KeyAlgorithm;
  readonly publicKey: KeyObject;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A signer over a private key already parsed into a KeyObject (parsed once, never per call). */
export function createKeySigner(privateKey: KeyObject): Signer {
  if (privateKey.type !== 'private') throw new CoreError('INVALID_KEY', 'a signer needs a private key');
  const algorithm = keyAlgorithm(privateKey);
  const digest = SIGNATURE_DIGEST[algorithm];
  const publicKey = crypto.createPublicKey(privateKey);
  return {
    algorithm,
    publicKey,
    // The callback form runs on libuv's thread pool: a P-384 or RSA signature (≈1 ms) must not block the event
    // loop, and the pool spreads signatures over every core.
    sign: (data) =>
      new Promise((resolve, reject) => {
        crypto.sign(digest, data, privateKey, (err, signature) => (err ? reject(err) : resolve(asBytes(signature))));
      }),
  };
}

/** A signer over a fresh in-memory key: for development and tests only. */
export function createEphemeralSigner(algorithm: KeyAlgorithm = 'ecdsa-p256'): Signer {
  return createKeySigner(generatePrivateKey(algorithm));
}

/** The private key in a PKCS#8 PEM file, optionally encrypted with `passphrase`. */
export async function loadPrivateKey(file: string, options: { passphrase?: string } = {}): Promise<KeyObject> {
  return parsePrivateKey(await fs.readFile(file, 'utf8'), options.passphrase);
}

/** A signer over a PKCS#8 PEM file, optionally encrypted with `passphrase`. */
export async function loadFileSigner(file: string, options: { passphrase?: string } = {}): Promise<Signer> {
  return createKeySigner(await loadPrivateKey(file, options));
}

/**
 * Loads the private key at `file`, or creates it (mode 0600) when absent. Creation uses an exclusive open so
 * two processes starting on one data folder agree on a single key.
 */
export async function loadOrCreatePrivateKey(file: string, algorithm: KeyAlgorithm, options: { passphrase?: string } = {}): Promise<KeyObject> {
  try {
    return parsePrivateKey(await fs.readFile(file, 'utf8'), options.passphrase);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = generatePrivateKey(algorithm);
  // Written whole under a private name, then linked into place: link() fails if the name exists, so a racing
  // process either wins or reads the winner's complete file, never a half-written one.
  const staging = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(staging, privateKeyToPem(key, options.passphrase), { flag: 'wx', mode: 0o600 });
  try {
    await fs.link(staging, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parsePrivateKey(await fs.readFile(file, 'utf8'), options.passphrase);
  } finally {
    await fs.rm(staging, { force: true });
  }
  return key;
}

/** A signer over the key at `file`, created on first use (see {@link loadOrCreatePrivateKey}). */
export async function loadOrCreateFileSigner(file: string, algorithm: KeyAlgorithm, options: { passphrase?: string } = {}): Promise<Signer> {
  return createKeySigner(await loadOrCreatePrivateKey(file, algorithm, options));
}

/** Verifies a signature as `Signer.sign` makes it; false (never a throw) on any mismatch or malformed signature. */
export function verifySignature(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return crypto.verify(SIGNATURE_DIGEST[keyAlgorithm(publicKey)], data, publicKey, signature);
  } catch {
    return false;
  }
}
