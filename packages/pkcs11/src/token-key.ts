import type { KeyObject } from 'node:crypto';
import { Pkcs11Error } from './error.js';
import type { Handle, Pkcs11Module } from './module.js';
import { type KeySelector, bool, findKey, readAttributes, ulong } from './objects.js';
import { CKK_EC_EDWARDS, edwardsPublicKey } from './edwards.js';
import { type Pkcs11KeyAlgorithm, ecPublicKey, rsaPublicKey } from './public-key.js';

/** A private key object in the token and the public key read from the object beside it. */
export interface TokenKey {
  readonly privateKey: Handle;
  readonly algorithm: Pkcs11KeyAlgorithm;
  readonly publicKey: KeyObject;
  /** CKA_EXTRACTABLE true or CKA_SENSITIVE false: the key value could be read out of the token. */
  readonly extractable: boolean;
}

/** Finds the selected key pair: the private key by CKO_PRIVATE_KEY, its public half by CKO_PUBLIC_KEY. */
export function readTokenKey(module: Pkcs11Module, session: Handle, key: KeySelector): TokenKey {
  const { pk } = module;
  const privateKey = findKey(module, session, pk.CKO_PRIVATE_KEY, key, 'private key');
  const [keyType, extractable, sensitive] = readAttributes(module, session, privateKey, [pk.CKA_KEY_TYPE, pk.CKA_EXTRACTABLE, pk.CKA_SENSITIVE]);
  // A private key object need not carry its public value (CKA_EC_POINT is a public-key attribute), so the
  // public key comes from the CKO_PUBLIC_KEY object C_GenerateKeyPair created with the same label and id.
  const publicObject = findKey(module, session, pk.CKO_PUBLIC_KEY, key, 'public key object');
  const { algorithm, publicKey } = readPublicKey(module, session, publicObject, ulong(keyType));
  return { privateKey, algorithm, publicKey, extractable: bool(extractable) || !bool(sensitive) };
}

/** The node KeyObject of a token public key object of CKK_EC or CKK_RSA type. */
export function readPublicKey(module: Pkcs11Module, session: Handle, object: Handle, keyType: number): { algorithm: Pkcs11KeyAlgorithm; publicKey: KeyObject } {
  const { pk } = module;
  if (keyType === pk.CKK_EC) {
    const [params, point] = readAttributes(module, session, object, [pk.CKA_EC_PARAMS, pk.CKA_EC_POINT]);
    return ecPublicKey(params, point);
  }
  if (keyType === CKK_EC_EDWARDS) {
    const [params, point] = readAttributes(module, session, object, [pk.CKA_EC_PARAMS, pk.CKA_EC_POINT]);
    return { algorithm: 'ed25519', publicKey: edwardsPublicKey(params, point) };
  }
  if (keyType === pk.CKK_RSA) {
    const [modulus, exponent] = readAttributes(module, session, object, [pk.CKA_MODULUS, pk.CKA_PUBLIC_EXPONENT]);
    return { algorithm: 'rsa', publicKey: rsaPublicKey(modulus, exponent) };
  }
  throw new Pkcs11Error('UNSUPPORTED_KEY', `unsupported PKCS#11 key type 0x${keyType.toString(16)}: Sigbox signs with EC, Ed25519 and RSA keys`);
}
