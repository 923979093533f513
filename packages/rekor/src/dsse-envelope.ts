import crypto from 'node:crypto';
import { encoding, keyAlgorithm } from '@sigbox/core';
import { decodeDsseBase64 } from './go-base64.js';
import { parseX509Verifier, type X509Verifier } from './public-key.js';

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

/** DSSE pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = encoding.utf8(payloadType);
  const header = encoding.utf8(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  return encoding.concatBytes(header, payload);
}

/**
 * Verifies over the PAE as rekor's dsse/intoto types do: `signature.LoadVerifier(key, crypto.SHA256)`, i.e.
 * ECDSA of any curve and RSA PKCS#1 v1.5 with SHA-256, Ed25519 pure.
 */
function verifiesPae(verifier: X509Verifier, pae: Uint8Array, sig: Uint8Array): boolean {
  try {
    const digest = keyAlgorithm(verifier.publicKey) === 'ed25519' ? null : 'sha256';
    return crypto.verify(digest, pae, verifier.publicKey, sig);
  } catch {
    return false;
  }
}

export interface VerifiedEnvelope {
  /** Verifier per signature string (as in the envelope); a signature string appears once. */
  verifierBySig: Map<string, X509Verifier>;
  payload: Uint8Array;
}

/**
 * Rekor's `verifyEnvelope` (pkg/types/dsse/v0.0.1 and intoto/v0.0.2): each verifier in turn is run through a
 * go-securesystemslib EnvelopeVerifier with threshold 1, which accepts at most one signature per verifier (the
 * first, in envelope order, that it verifies) and fails when it verifies none; key IDs are ignored. Every
 * signature must end up verified. `stopWhenDone` is dsse's early exit once all signatures are accounted for.
 */
export function verifyDsseEnvelope(verifierBytes: Uint8Array[], env: DsseEnvelope, stopWhenDone: boolean): VerifiedEnvelope {
  const pending = new Set(env.signatures.map((s) => s.sig));
  const verifierBySig = new Map<string, X509Verifier>();
  let payload: Uint8Array | undefined;
  for (const bytes of verifierBytes) {
    if (stopWhenDone && pending.size === 0) break;
    let verifier: X509Verifier;
    try {
      verifier = parseX509Verifier(bytes);
    } catch (err) {
      throw new Error(`could not parse public key as x509: ${(err as Error).message}`);
    }
    if (!['rsa', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519'].includes(safeAlgorithm(verifier))) {
      throw new Error('could not load verifier: unsupported public key type');
    }
    const accepted = acceptOne(verifier, env);
    if (accepted === undefined) throw new Error('could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1');
    payload = accepted.payload;
    pending.delete(accepted.sig);
    verifierBySig.set(accepted.sig, verifier);
  }
  if (pending.size > 0 || payload === undefined) throw new Error('all signatures must have a key that verifies it');
  return { verifierBySig, payload };
}

function safeAlgorithm(verifier: X509Verifier): string {
  try {
    return verifier.algorithm;
  } catch {
    return 'unsupported';
  }
}

function acceptOne(verifier: X509Verifier, env: DsseEnvelope): { sig: string; payload: Uint8Array } | undefined {
  if (env.signatures.length === 0) throw new Error('could not verify envelope: no signature found');
  let body: Uint8Array;
  try {
    body = decodeDsseBase64(env.payload);
  } catch (err) {
    throw new Error(`could not verify envelope: ${(err as Error).message}`);
  }
  const pae = preAuthEncoding(env.payloadType, body);
  let accepted: string | undefined;
  for (const s of env.signatures) {
    let sig: Uint8Array;
    try {
      sig = decodeDsseBase64(s.sig);
    } catch (err) {
      throw new Error(`could not verify envelope: ${(err as Error).message}`);
    }
    if (accepted === undefined && verifiesPae(verifier, pae, sig)) accepted = s.sig;
  }
  return accepted === undefined ? undefined : { sig: accepted, payload: body };
}
