import crypto, { type KeyObject } from 'node:crypto';
import { Pkcs11Error } from './error.js';

/**
 * Ed25519 in a token (PKCS#11 v3.0 §2.3.5–2.3.6 "EdDSA"): key type CKK_EC_EDWARDS, generated with
 * CKM_EC_EDWARDS_KEY_PAIR_GEN, signing with CKM_EDDSA without parameters (pure Ed25519 over the whole message, as
 * a C2SP note signature is). pkcs11js (a v2.40 binding) has no names for these, hence the numbers from the v3.0
 * header (pkcs11t.h). SoftHSM 2.6 implements them when built with OpenSSL ≥ 1.1.1 (Debian 12's is).
 */
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

/** CKA_EC_PARAMS naming edwards25519: the DER OID id-Ed25519 1.3.101.112 (RFC 8410 §3). */
export const ED25519_PARAMS = Buffer.from('06032b6570', 'hex');
/** The other spelling v3.0 allows: PrintableString "edwards25519". */
const ED25519_PARAMS_NAME = Buffer.concat([Buffer.from([0x13, 12]), Buffer.from('edwards25519')]);
const ED25519_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
// RFC 8410 §4: SubjectPublicKeyInfo prefix of an Ed25519 key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A node public key from a CKK_EC_EDWARDS public key object's CKA_EC_PARAMS and CKA_EC_POINT: the 32-byte key,
 * DER OCTET STRING-wrapped (v3.0 says so; SoftHSM does) or bare (some tokens).
 */
export function edwardsPublicKey(params: Uint8Array, ecPoint: Uint8Array): KeyObject {
  const p = Buffer.from(params);
  if (!p.equals(ED25519_PARAMS) && !p.equals(ED25519_PARAMS_NAME)) {
    throw new Pkcs11Error('UNSUPPORTED_KEY', `unsupported Edwards curve parameters ${p.toString('hex')}: only Ed25519`);
  }
  const wrapped = ecPoint.length === 2 + ED25519_KEY_BYTES && ecPoint[0] === 0x04 && ecPoint[1] === ED25519_KEY_BYTES;
  const raw = wrapped ? ecPoint.subarray(2) : ecPoint;
  if (raw.length !== ED25519_KEY_BYTES) throw new Pkcs11Error('UNSUPPORTED_KEY', 'CKA_EC_POINT is not a 32-byte Ed25519 key');
  try {
    return crypto.createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new Pkcs11Error('UNSUPPORTED_KEY', 'the token public key is not a valid Ed25519 key', { cause });
  }
}
