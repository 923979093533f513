import { encoding } from '@sigbox/core';
import { checkDsseWork } from './dsse-limits.js';
import { decodeDsseBase64 } from './go-base64.js';
import { parseX509Verifier, type X509Verifier } from './public-key.js';
import { verifyOffLoop } from './verify-off-loop.js';

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

// sigstore signature.LoadVerifier: the key types a DSSE verifier may have.
const VERIFIER_ALGORITHMS = ['rsa', 'ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519'];

/** DSSE pre-authentication encoding: `DSSEv1 SP len(type) SP type SP len(body) SP body`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = encoding.utf8(payloadType);
  const header = encoding.utf8(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  return encoding.concatBytes(header, payload);
}

/**
 * Verifies over the PAE as rekor's dsse/intoto types do: `signature.LoadVerifier(key, crypto.SHA256)`, i.e.
 * ECDSA of any curve and RSA PKCS#1 v1.5 with SHA-256, Ed25519 pure. On the thread pool: the PAE may be megabytes.
 */
function verifiesPae(verifier: X509Verifier, pae: Uint8Array, sig: Uint8Array): Promise<boolean> {
  const digest = verifier.key.algorithm === 'ed25519' ? null : 'sha256';
  return verifyOffLoop(digest, pae, verifier.publicKey, sig);
}

export interface VerifiedEnvelope {
  /** Verifier per signature string (as in the envelope); a signature string appears once. */
  verifierBySig: Map<string, X509Verifier>;
  payload: Uint8Array;
}

/** The envelope as every verifier sees it, decoded once: payload, PAE, and the signatures to try. */
interface DecodedEnvelope {
  payload: Uint8Array;
  pae: Uint8Array;
  /**
   * Envelope order, one per distinct signature bytes: a repeat verifies exactly as its first occurrence did, which
   * was tried first and failed (a verifier stops at the first it verifies), so trying it again changes nothing.
   */
  candidates: Array<{ sig: string; bytes: Uint8Array }>;
}

/** go-securesystemslib EnvelopeVerifier.Verify's decoding, with its failures in its order. */
function decodeEnvelope(env: DsseEnvelope): DecodedEnvelope {
  if (env.signatures.length === 0) throw new Error('could not verify envelope: no signature found');
  let payload: Uint8Array;
  try {
    payload = decodeDsseBase64(env.payload);
  } catch (err) {
    throw new Error(`could not verify envelope: ${(err as Error).message}`);
  }
  const seen = new Set<string>();
  const candidates: DecodedEnvelope['candidates'] = [];
  for (const s of env.signatures) {
    let bytes: Uint8Array;
    try {
      bytes = decodeDsseBase64(s.sig);
    } catch (err) {
      throw new Error(`could not verify envelope: ${(err as Error).message}`);
    }
    const id = encoding.toHex(bytes);
    if (!seen.has(id)) candidates.push({ sig: s.sig, bytes });
    seen.add(id);
  }
  return { payload, pae: preAuthEncoding(env.payloadType, payload), candidates };
}

/** The first signature, in envelope order, that the verifier verifies (threshold 1 accepts one per verifier). */
async function acceptOne(verifier: X509Verifier, env: DecodedEnvelope): Promise<string | undefined> {
  for (const candidate of env.candidates) {
    if (await verifiesPae(verifier, env.pae, candidate.bytes)) return candidate.sig;
  }
  return undefined;
}

function parseVerifier(bytes: Uint8Array): X509Verifier {
  let verifier: X509Verifier;
  try {
    verifier = parseX509Verifier(bytes);
  } catch (err) {
    throw new Error(`could not parse public key as x509: ${(err as Error).message}`);
  }
  if (!VERIFIER_ALGORITHMS.includes(safeAlgorithm(verifier))) throw new Error('could not load verifier: unsupported public key type');
  return verifier;
}

/**
 * Rekor's `verifyEnvelope` (pkg/types/dsse/v0.0.1 and intoto/v0.0.2): each verifier in turn is run through a
 * go-securesystemslib EnvelopeVerifier with threshold 1, which accepts at most one signature per verifier (the
 * first, in envelope order, that it verifies) and fails when it verifies none; key IDs are ignored. Every
 * signature must end up verified. `stopWhenDone` is dsse's early exit once all signatures are accounted for.
 * The work is bounded first (dsse-limits.ts); a verifier repeated byte for byte accepts what its first
 * occurrence accepted, so it is not tried again.
 */
export async function verifyDsseEnvelope(verifierBytes: Uint8Array[], env: DsseEnvelope, stopWhenDone: boolean): Promise<VerifiedEnvelope> {
  checkDsseWork(verifierBytes, env);
  const pending = new Set(env.signatures.map((s) => s.sig));
  const verifierBySig = new Map<string, X509Verifier>();
  const tried = new Set<string>();
  let decoded: DecodedEnvelope | undefined;
  for (const bytes of verifierBytes) {
    if (stopWhenDone && pending.size === 0) break;
    const id = encoding.toHex(bytes);
    if (tried.has(id)) continue;
    tried.add(id);
    const verifier = parseVerifier(bytes);
    decoded ??= decodeEnvelope(env);
    const accepted = await acceptOne(verifier, decoded);
    if (accepted === undefined) throw new Error('could not verify envelope: accepted signatures do not match threshold, Found: 0, Expected 1');
    pending.delete(accepted);
    verifierBySig.set(accepted, verifier);
  }
  if (pending.size > 0 || decoded === undefined) throw new Error('all signatures must have a key that verifies it');
  return { verifierBySig, payload: decoded.payload };
}

function safeAlgorithm(verifier: X509Verifier): string {
  try {
    return verifier.algorithm;
  } catch {
    return 'unsupported';
  }
}
