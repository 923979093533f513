import crypto from 'node:crypto';
import { type Signer, SIGNATURE_DIGEST, encoding, p1363ToDer, verifySignature } from '@sigbox/core';
import { Pkcs11Error, tokenError } from './error.js';
import { type Handle, type Pkcs11Module, acquireModule } from './module.js';
import type { KeySelector } from './objects.js';
import { CKM_EDDSA, ED25519_SIGNATURE_BYTES } from './edwards.js';
import { CURVES, type Pkcs11KeyAlgorithm } from './public-key.js';
import { type TokenKey, readTokenKey } from './token-key.js';
import { type TokenSelector, closeSession, findSlot, openLoggedInSession } from './token.js';

export type Pkcs11SignerOptions = {
  /** Path of the PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  module: string;
  /** The user PIN. */
  pin: string;
  /** Accept a private key that could leave the token (CKA_EXTRACTABLE, or not CKA_SENSITIVE). Default false. */
  allowExtractable?: boolean;
} & TokenSelector & KeySelector;

/** A core Signer whose private key stays in the token; `close()` ends its session and may unload the library. */
export interface Pkcs11Signer extends Signer {
  readonly algorithm: Pkcs11KeyAlgorithm;
  close(): Promise<void>;
}

// Signed once at open and verified with the public key object: a label shared by unrelated objects, or a
// public object that does not belong to the private key, must fail here rather than in every certificate.
const PROBE = encoding.utf8('sigbox pkcs11 key check');

/**
 * Opens the key pair selected by label and/or id in the selected token, over one logged-in session.
 *
 * pkcs11js calls are synchronous, so each signature's C_SignInit and C_Sign run back to back in one turn of
 * the event loop: concurrent `sign` calls cannot interleave on the session. (A network HSM with slow signs
 * would want a session pool and the async calls; SoftHSM signs in tens of microseconds.)
 *
 * @example
 * const signer = await openPkcs11Signer({ module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'sigbox', pin, keyLabel: 'fulcio-root' });
 */
export async function openPkcs11Signer(options: Pkcs11SignerOptions): Promise<Pkcs11Signer> {
  const module = acquireModule(options.module);
  let session: Handle | undefined;
  try {
    session = openLoggedInSession(module, findSlot(module, options), options.pin);
    const key = readTokenKey(module, session, options);
    if (key.extractable && !options.allowExtractable) {
      throw new Pkcs11Error('KEY_EXTRACTABLE', 'the private key can leave the token (CKA_EXTRACTABLE or not CKA_SENSITIVE)');
    }
    const signer = createSessionSigner(module, session, key);
    if (!verifySignature(key.publicKey, PROBE, await signer.sign(PROBE))) {
      throw new Pkcs11Error('KEY_MISMATCH', 'the private key does not match the public key object beside it');
    }
    return signer;
  } catch (err) {
    if (session) closeSession(module, session);
    module.release();
    throw err;
  }
}

function createSessionSigner(module: Pkcs11Module, session: Handle, key: TokenKey): Pkcs11Signer {
  const { api } = module;
  const sign = signingMethod(module, key);
  let open = true;
  return {
    algorithm: key.algorithm,
    publicKey: key.publicKey,
    sign(data) {
      if (!open) return Promise.reject(new Pkcs11Error('SIGNER_CLOSED', 'the PKCS#11 signer is closed'));
      try {
        const input = sign.digest ? crypto.createHash(sign.digest).update(data).digest() : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        api.C_SignInit(session, sign.mechanism, key.privateKey);
        const raw = api.C_Sign(session, input, Buffer.alloc(sign.outputLength));
        return Promise.resolve(sign.encode(raw));
      } catch (cause) {
        return Promise.reject(tokenError('DEVICE_ERROR', 'the token could not sign', cause));
      }
    },
    close() {
      if (open) {
        open = false;
        closeSession(module, session);
        module.release();
      }
      return Promise.resolve();
    },
  };
}

interface SigningMethod {
  readonly mechanism: { mechanism: number };
  /** Hash applied in node before C_Sign, for mechanisms that sign a digest (CKM_ECDSA). */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  readonly outputLength: number;
  readonly encode: (raw: Buffer) => Uint8Array;
}

// What core's Signer promises: ECDSA is DER over the curve's digest (CKM_ECDSA signs a given digest, so
// node hashes), RSA is PKCS#1 v1.5 with SHA-256 (CKM_SHA256_RSA_PKCS hashes in the token). CKM_ECDSA answers
// r‖s, each as wide as the curve order (PKCS#11 v2.40 curr. mech. §2.3.1); an answer of another width fails
// p1363ToDer's width check, which `sign` reports as the token's DEVICE_ERROR.
function signingMethod(module: Pkcs11Module, key: TokenKey): SigningMethod {
  const { pk } = module;
  if (key.algorithm === 'rsa') {
    const bits = key.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    return { mechanism: { mechanism: pk.CKM_SHA256_RSA_PKCS }, digest: null, outputLength: Math.ceil(bits / 8), encode: (raw) => Uint8Array.from(raw) };
  }
  // Ed25519 signs the whole message in the token (CKM_EDDSA, no parameters: pure Ed25519), 64 bytes.
  if (key.algorithm === 'ed25519') return { mechanism: { mechanism: CKM_EDDSA }, digest: null, outputLength: ED25519_SIGNATURE_BYTES, encode: (raw) => Uint8Array.from(raw) };
  const { size } = CURVES[key.algorithm];
  return { mechanism: { mechanism: pk.CKM_ECDSA }, digest: SIGNATURE_DIGEST[key.algorithm], outputLength: 2 * size, encode: (raw) => p1363ToDer(raw, size) };
}
