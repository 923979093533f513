import type { KeyObject } from 'node:crypto';
import { type Signer, keyAlgorithm, verifySignature } from '@sigbox/core';
import { CtError } from './errors.js';
import { TlsReader, TlsWriter } from './tls.js';

/** RFC 5246 §7.4.1.4.1 `HashAlgorithm.sha256` and `SignatureAlgorithm.ecdsa` / `.rsa`. */
export const HASH_SHA256 = 4;
export const SIGNATURE_ECDSA = 3;
export const SIGNATURE_RSA = 1;

/** `DigitallySigned` (RFC 5246 §4.7): the signature of SCTs and STHs, ASN.1 DER for ECDSA. */
export interface DigitallySigned {
  hashAlgorithm: number;
  signatureAlgorithm: number;
  signature: Uint8Array;
}

export function writeDigitallySigned(w: TlsWriter, ds: DigitallySigned): TlsWriter {
  return w.u8(ds.hashAlgorithm).u8(ds.signatureAlgorithm).vector16(ds.signature);
}

export function readDigitallySigned(r: TlsReader): DigitallySigned {
  return { hashAlgorithm: r.u8(), signatureAlgorithm: r.u8(), signature: r.vector16() };
}

/** The serialized form (what get-sth's `tree_head_signature` and add-chain's `signature` carry, base64'd). */
export function encodeDigitallySigned(ds: DigitallySigned): Uint8Array {
  return writeDigitallySigned(new TlsWriter(), ds).bytes();
}

export function decodeDigitallySigned(bytes: Uint8Array): DigitallySigned {
  const r = new TlsReader(bytes, 'DigitallySigned');
  const ds = readDigitallySigned(r);
  r.end();
  return ds;
}

/** Throws unless the log key is ECDSA P-256: what every CT client expects of an SCT signed with sha256/ecdsa. */
export function checkLogKey(publicKey: KeyObject): void {
  const algorithm = keyAlgorithm(publicKey);
  if (algorithm !== 'ecdsa-p256') throw new CtError('INVALID_CONFIG', `the CT log key must be ECDSA P-256, not ${algorithm}`);
}

/** Signs `data` with the ECDSA P-256 log key (SHA-256, DER signature). */
export async function signDigitally(signer: Signer, data: Uint8Array): Promise<DigitallySigned> {
  return { hashAlgorithm: HASH_SHA256, signatureAlgorithm: SIGNATURE_ECDSA, signature: await signer.sign(data) };
}

/** Whether `ds` is a sha256/ecdsa signature by `publicKey` over `data`; false on any mismatch. */
export function verifyDigitallySigned(publicKey: KeyObject, data: Uint8Array, ds: DigitallySigned): boolean {
  if (ds.hashAlgorithm !== HASH_SHA256 || ds.signatureAlgorithm !== SIGNATURE_ECDSA) return false;
  if (keyAlgorithm(publicKey) !== 'ecdsa-p256') return false;
  return verifySignature(publicKey, data, ds.signature);
}
