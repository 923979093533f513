import { encoding } from '@sigbox/core';

/*
 * What one DSSE envelope (dsse 0.0.1 proposedContent, intoto 0.0.2 content.envelope) may ask the log to verify.
 * Upstream rekor (v1.5.4 pkg/types/dsse/v0.0.1 and intoto/v0.0.2 verifyEnvelope) bounds none of it: every
 * verifier is tried against every signature, each try hashing the whole PAE, so an unauthenticated client buys
 * signatures × verifiers × payload bytes of work with one body. These limits are tighter than upstream on
 * purpose and are checked before any key is parsed or any signature verified. Clients sign with one key (cosign,
 * sigstore-go, -python, -js); a verifier that verifies no signature fails the entry, so more verifiers than
 * signatures are never of use.
 */

/** Signatures in one envelope, as submitted (repeats included). */
export const MAX_DSSE_SIGNATURES = 8;
/** Verifiers (keys or certificates) offered for one envelope, as submitted (repeats included). */
export const MAX_DSSE_VERIFIERS = 8;
/**
 * Distinct signatures × distinct verifiers × payload bytes: each pair may be one verification that hashes the
 * PAE. 32 MiB lets one signature and one key cover any payload a 4 MiB body carries, two of each an 8 MiB
 * payload, and the full 8 × 8 a payload of 512 KiB; the worst entry then hashes 32 MiB on the thread pool.
 */
export const MAX_DSSE_VERIFIED_BYTES = 32 * 1024 * 1024;

/**
 * Refuses, before any cryptography, an envelope whose verification could cost more than the limits above. The
 * payload is measured as submitted (base64 text and type), an upper bound of the PAE every verification hashes.
 */
export function checkDsseWork(
  verifierBytes: readonly Uint8Array[],
  env: { readonly payloadType: string; readonly payload: string; readonly signatures: ReadonlyArray<{ readonly sig: string }> },
): void {
  if (env.signatures.length > MAX_DSSE_SIGNATURES) throw new Error(`DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`);
  if (verifierBytes.length > MAX_DSSE_VERIFIERS) throw new Error(`at most ${MAX_DSSE_VERIFIERS} verifiers may be given for a DSSE envelope`);
  const signatures = new Set(env.signatures.map((s) => s.sig)).size;
  const verifiers = new Set(verifierBytes.map((v) => encoding.toHex(v))).size;
  const payloadBytes = env.payload.length + env.payloadType.length;
  if (signatures * verifiers * payloadBytes > MAX_DSSE_VERIFIED_BYTES) {
    throw new Error(
      `DSSE envelope too large to verify: ${signatures} signatures × ${verifiers} verifiers × ${payloadBytes} bytes of payload exceed ${MAX_DSSE_VERIFIED_BYTES}`,
    );
  }
}
