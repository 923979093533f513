import type { KeyObject } from 'node:crypto';
import { encoding } from '@sigbox/core';
import { type X509Verifier, x509VerifierOfDer } from '../public-key.js';
import { type MessageFields, ProtoJsonError, oneOf, readBytes, readMessage, readString } from './proto-json.js';

/** rekor v2 `Verifier`: a DER public key or certificate, and the key details it signs with. */
export interface VerifierV2 {
  readonly form: 'publicKey' | 'x509Certificate';
  readonly rawBytes: Uint8Array;
  /** A `PublicKeyDetails` name as sent (empty when unset). */
  readonly keyDetails: string;
}

/** rekor v2 `Signature`. */
export interface SignatureV2 {
  readonly content: Uint8Array;
  readonly verifier: VerifierV2;
}

const VERIFIER: MessageFields = { publicKey: 'public_key', x509Certificate: 'x509_certificate', keyDetails: 'key_details' };
const RAW_BYTES: MessageFields = { rawBytes: 'raw_bytes' };
const SIGNATURE: MessageFields = { content: 'content', verifier: 'verifier' };

/**
 * Reads a `Verifier` and checks what rekor-tiles pkg/types/verifier `Validate` checks: a key or a certificate,
 * with raw bytes.
 */
export function readVerifier(value: unknown, what: string): VerifierV2 {
  const message = readMessage(value, VERIFIER, what);
  const form = oneOf(message, ['publicKey', 'x509Certificate'], what) as VerifierV2['form'] | undefined;
  const keyDetailsValue = message.get('keyDetails');
  // protojson takes an enum by name (numbers too; every client sends names: only names are taken here).
  if (keyDetailsValue !== undefined && typeof keyDetailsValue !== 'string') throw new ProtoJsonError(`${what}.keyDetails: invalid enum value`);
  const keyDetails = readString(keyDetailsValue, `${what}.keyDetails`);
  if (form === undefined) throw new Error('missing signature public key or X.509 certificate');
  const rawBytes = readBytes(readMessage(message.get(form), RAW_BYTES, `${what}.${form}`).get('rawBytes'), `${what}.${form}.rawBytes`);
  if (rawBytes.length === 0) throw new Error(form === 'publicKey' ? 'missing public key raw bytes' : 'missing X.509 certificate raw bytes');
  return { form, rawBytes, keyDetails: keyDetails === 'PUBLIC_KEY_DETAILS_UNSPECIFIED' ? '' : keyDetails };
}

/** Reads a `Signature` (content and verifier required, as hashedrekord.go `validate`). */
export function readSignature(value: unknown, what: string): SignatureV2 {
  const message = readMessage(value, SIGNATURE, what);
  const content = readBytes(message.get('content'), `${what}.content`);
  if (content.length === 0) throw new Error('missing signature');
  if (!message.has('verifier')) throw new Error('missing verifier');
  return { content, verifier: readVerifier(message.get('verifier'), `${what}.verifier`) };
}

/**
 * The verifier as rekor-tiles pkg/verifier/publickey (PKIX DER) or pkg/verifier/certificate (one DER certificate,
 * its subject key) reads it, in v1's X509Verifier form: its key read as little as needed, its canonical PEM and SANs
 * for the search keys (index-keys.ts) without a second parse. Throws with the reason.
 */
export function parseVerifier(verifier: VerifierV2): X509Verifier {
  try {
    return x509VerifierOfDer(verifier.form === 'publicKey' ? 'key' : 'certificate', verifier.rawBytes);
  } catch (cause) {
    throw new Error(verifier.form === 'publicKey' ? 'parsing verifier: invalid public key' : 'parsing verifier: invalid certificate', { cause });
  }
}

/** The verifier's key as a node:crypto KeyObject (parseVerifier's key). Throws with the reason. */
export function verifierKey(verifier: VerifierV2): KeyObject {
  return parseVerifier(verifier).publicKey;
}

/** protojson of a `Verifier` (unset fields left out, as `protojson.Marshal` does). */
export function verifierJson(verifier: VerifierV2): Record<string, unknown> {
  const out: Record<string, unknown> = { [verifier.form]: { rawBytes: encoding.toBase64(verifier.rawBytes) } };
  if (verifier.keyDetails !== '') out.keyDetails = verifier.keyDetails;
  return out;
}

/** protojson of a `Signature`. */
export function signatureJson(signature: SignatureV2): Record<string, unknown> {
  return { content: encoding.toBase64(signature.content), verifier: verifierJson(signature.verifier) };
}


