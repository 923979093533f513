import crypto, { type KeyObject } from 'node:crypto';
import { CoreError } from './error.js';
import { asBytes } from './encoding.js';
import { parsePemBlocks } from './pem.js';

/** The key types Sigbox signs and verifies with. */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'ed25519' | 'rsa';

/** Digest each algorithm signs with: ECDSA by curve size, RSA PKCS#1 v1.5 with SHA-256, Ed25519 none (pure). */
export const SIGNATURE_DIGEST: Readonly<Record<KeyAlgorithm, 'sha256' | 'sha384' | 'sha512' | null>> = {
  'ecdsa-p256': 'sha256',
  'ecdsa-p384': 'sha384',
  'ecdsa-p521': 'sha512',
  ed25519: null,
  rsa: 'sha256',
};

/**
 * SubjectPublicKeyInfo DER up to the point, for named-curve EC keys with uncompressed points (RFC 5480 §2.1.1:
 * id-ecPublicKey, the curve's OID, the BIT STRING header), one per curve.
 */
export const EC_SPKI_PREFIX: Readonly<Record<'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521', Uint8Array>> = {
  'ecdsa-p256': Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
  'ecdsa-p384': Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
  'ecdsa-p521': Buffer.from('30819b301006072a8648ce3d020106052b8104002303818600', 'hex'),
};

const CURVES: Readonly<Record<string, KeyAlgorithm>> = {
  prime256v1: 'ecdsa-p256',
  'P-256': 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  'P-384': 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
  'P-521': 'ecdsa-p521',
};

/** Names the algorithm of a public or private key, or throws UNSUPPORTED_KEY. */
export function keyAlgorithm(key: KeyObject): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') return 'rsa';
  if (type === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve) return curve;
  }
  throw new CoreError('UNSUPPORTED_KEY', `unsupported key type ${type ?? 'unknown'}`);
}

function toKeyInput(input: string | Uint8Array): { text?: string; der?: Buffer } {
  if (typeof input === 'string') return { text: input };
  const asText = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  return asText.includes('-----BEGIN ') ? { text: asText } : { der: Buffer.from(input.buffer, input.byteOffset, input.byteLength) };
}

/**
 * Parses a PKCS#8 private key (PEM or DER), encrypted when `passphrase` is given; SEC1 `EC PRIVATE KEY` and
 * PKCS#1 `RSA PRIVATE KEY` PEM are accepted too since `openssl` and Go tools write them.
 */
export function parsePrivateKey(input: string | Uint8Array, passphrase?: string): KeyObject {
  const { text, der } = toKeyInput(input);
  let key: KeyObject;
  try {
    key = text !== undefined
      ? crypto.createPrivateKey({ key: text, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) })
      : crypto.createPrivateKey({ key: der as Buffer, format: 'der', type: 'pkcs8', ...(passphrase === undefined ? {} : { passphrase }) });
  } catch (cause) {
    throw new CoreError('INVALID_KEY', 'cannot parse private key', { cause });
  }
  keyAlgorithm(key);
  return key;
}

/** Parses an SPKI public key from PEM (`PUBLIC KEY`) or DER; a certificate PEM is not a public key here. */
export function parsePublicKey(input: string | Uint8Array): KeyObject {
  const { text, der } = toKeyInput(input);
  let key: KeyObject;
  try {
    if (text !== undefined) {
      const blocks = parsePemBlocks(text);
      if (blocks.length !== 1 || blocks[0]?.type !== 'PUBLIC KEY') throw new Error('expected one PUBLIC KEY PEM block');
      key = crypto.createPublicKey({ key: Buffer.from(blocks[0].der), format: 'der', type: 'spki' });
    } else {
      key = crypto.createPublicKey({ key: der as Buffer, format: 'der', type: 'spki' });
    }
  } catch (cause) {
    throw new CoreError('INVALID_KEY', 'cannot parse public key', { cause });
  }
  keyAlgorithm(key);
  return key;
}

/** DER SubjectPublicKeyInfo of a public key (or of a private key's public half). */
export function spkiDer(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return asBytes(pub.export({ format: 'der', type: 'spki' }));
}

/** PKCS#8 PEM of a private key, encrypted with AES-256-CBC when a passphrase is given. */
export function privateKeyToPem(key: KeyObject, passphrase?: string): string {
  return key.export({
    format: 'pem',
    type: 'pkcs8',
    ...(passphrase === undefined ? {} : { cipher: 'aes-256-cbc', passphrase }),
  }) as string;
}

export function generatePrivateKey(algorithm: KeyAlgorithm): KeyObject {
  switch (algorithm) {
    case 'ecdsa-p256':
      return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ecdsa-p384':
      return crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'ecdsa-p521':
      return crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
    case 'ed25519':
      return crypto.generateKeyPairSync('ed25519').privateKey;
    case 'rsa':
      return crypto.generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
  }
}
