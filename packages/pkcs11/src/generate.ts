import crypto, { type KeyObject } from 'node:crypto';
import type * as Pkcs11js from 'pkcs11js';
import { Pkcs11Error, tokenError } from './error.js';
import { type Handle, type Pkcs11Module, acquireModule } from './module.js';
import { bool, findObjects, readAttributes } from './objects.js';
import { CKK_EC_EDWARDS, CKM_EC_EDWARDS_KEY_PAIR_GEN, ED25519_PARAMS } from './edwards.js';
import { CURVES, type Pkcs11KeyAlgorithm } from './public-key.js';
import { readPublicKey } from './token-key.js';
import { type TokenSelector, closeSession, findSlot, openLoggedInSession } from './token.js';

/** Same size core's generatePrivateKey uses for RSA: 128-bit security (NIST SP 800-57 Part 1, Table 2). */
export const DEFAULT_RSA_BITS = 3072;
const RSA_PUBLIC_EXPONENT = Buffer.from([0x01, 0x00, 0x01]); // 65537
const KEY_ID_BYTES = 16;

export type Pkcs11GenerateOptions = {
  module: string;
  pin: string;
  keyLabel: string;
  /** CKA_ID of both objects; random when absent. */
  keyId?: Uint8Array;
  algorithm: Pkcs11KeyAlgorithm;
  rsaBits?: number;
} & TokenSelector;

export interface GeneratedPkcs11Key {
  readonly algorithm: Pkcs11KeyAlgorithm;
  readonly publicKey: KeyObject;
  readonly keyId: Uint8Array;
}

/**
 * Generates a key pair inside the token (C_GenerateKeyPair, CKA_TOKEN true): the private key is sensitive
 * and not extractable, so no one — Sigbox included — ever sees it. Refuses a label or id already in use,
 * since openPkcs11Signer must find exactly one key.
 *
 * @example
 * const { publicKey } = await generatePkcs11Key({ module, tokenLabel: 'sigbox', pin, keyLabel: 'fulcio-root', algorithm: 'ecdsa-p384' });
 */
export async function generatePkcs11Key(options: Pkcs11GenerateOptions): Promise<GeneratedPkcs11Key> {
  const module = acquireModule(options.module);
  try {
    const session = openLoggedInSession(module, findSlot(module, options), options.pin, { readWrite: true });
    try {
      return generateInSession(module, session, options);
    } finally {
      closeSession(module, session);
    }
  } finally {
    module.release();
  }
}

function generateInSession(module: Pkcs11Module, session: Handle, options: Pkcs11GenerateOptions): GeneratedPkcs11Key {
  const { api, pk } = module;
  const keyId = options.keyId ?? crypto.randomBytes(KEY_ID_BYTES);
  assertUnused(module, session, pk.CKA_LABEL, options.keyLabel, `label ${JSON.stringify(options.keyLabel)}`);
  assertUnused(module, session, pk.CKA_ID, Buffer.from(keyId), `id ${Buffer.from(keyId).toString('hex')}`);
  const { mechanism, keyType, publicTemplate, privateTemplate } = templates(module, options);
  const common = [{ type: pk.CKA_TOKEN, value: true }, { type: pk.CKA_LABEL, value: options.keyLabel }, { type: pk.CKA_ID, value: Buffer.from(keyId) }];
  let pair: Pkcs11js.KeyPair;
  try {
    pair = api.C_GenerateKeyPair(session, { mechanism }, [...common, ...publicTemplate], [...common, ...privateTemplate]);
  } catch (cause) {
    throw tokenError('DEVICE_ERROR', `the token could not generate a ${options.algorithm} key`, cause);
  }
  // Verify what we emit: a token that ignores CKA_EXTRACTABLE/CKA_SENSITIVE must not leave a usable key.
  const [extractable, sensitive] = readAttributes(module, session, pair.privateKey, [pk.CKA_EXTRACTABLE, pk.CKA_SENSITIVE]);
  if (bool(extractable) || !bool(sensitive)) {
    api.C_DestroyObject(session, pair.privateKey);
    api.C_DestroyObject(session, pair.publicKey);
    throw new Pkcs11Error('KEY_EXTRACTABLE', 'the token generated an extractable key; it was destroyed');
  }
  const { algorithm, publicKey } = readPublicKey(module, session, pair.publicKey, keyType);
  return { algorithm, publicKey, keyId: Uint8Array.from(keyId) };
}

function assertUnused(module: Pkcs11Module, session: Handle, type: number, value: string | Buffer, what: string): void {
  if (findObjects(module, session, [{ type, value }]).length > 0) {
    throw new Pkcs11Error('KEY_EXISTS', `the token already holds an object with ${what}`);
  }
}

/** Mechanism and per-object attributes; the private key signs only (no decrypt/unwrap/derive). */
function templates(module: Pkcs11Module, options: Pkcs11GenerateOptions) {
  const { pk } = module;
  const publicTemplate: Pkcs11js.Template = [{ type: pk.CKA_CLASS, value: pk.CKO_PUBLIC_KEY }, { type: pk.CKA_VERIFY, value: true }, { type: pk.CKA_PRIVATE, value: false }];
  const privateTemplate: Pkcs11js.Template = [
    { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
    { type: pk.CKA_SIGN, value: true },
    { type: pk.CKA_PRIVATE, value: true },
    { type: pk.CKA_SENSITIVE, value: true },
    { type: pk.CKA_EXTRACTABLE, value: false },
  ];
  if (options.algorithm === 'rsa') {
    publicTemplate.push({ type: pk.CKA_MODULUS_BITS, value: options.rsaBits ?? DEFAULT_RSA_BITS }, { type: pk.CKA_PUBLIC_EXPONENT, value: RSA_PUBLIC_EXPONENT });
    privateTemplate.push({ type: pk.CKA_DECRYPT, value: false }, { type: pk.CKA_UNWRAP, value: false });
    return { mechanism: pk.CKM_RSA_PKCS_KEY_PAIR_GEN, keyType: pk.CKK_RSA, publicTemplate, privateTemplate };
  }
  privateTemplate.push({ type: pk.CKA_DERIVE, value: false });
  if (options.algorithm === 'ed25519') {
    publicTemplate.push({ type: pk.CKA_EC_PARAMS, value: ED25519_PARAMS });
    return { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN, keyType: CKK_EC_EDWARDS, publicTemplate, privateTemplate };
  }
  publicTemplate.push({ type: pk.CKA_EC_PARAMS, value: Buffer.from(CURVES[options.algorithm].params, 'hex') });
  return { mechanism: pk.CKM_EC_KEY_PAIR_GEN, keyType: pk.CKK_EC, publicTemplate, privateTemplate };
}
