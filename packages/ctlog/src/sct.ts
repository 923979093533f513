import type { KeyObject } from 'node:crypto';
import { type Signer, bytesEqual, sha256, spkiDer } from '@sigbox/core';
import { type DigitallySigned, readDigitallySigned, signDigitally, verifyDigitallySigned, writeDigitallySigned } from './digitally-signed.js';
import { CtError } from './errors.js';
import { type TimestampedEntry, writeSignedEntry } from './merkle-tree-leaf.js';
import { TlsReader, TlsWriter } from './tls.js';

/** RFC 6962 §3.2 `Version v1(0)` and `SignatureType certificate_timestamp(0)`. */
export const SCT_VERSION_V1 = 0;
const SIGNATURE_TYPE_CERTIFICATE_TIMESTAMP = 0;
export const LOG_ID_LENGTH = 32;

/** A v1 `SignedCertificateTimestamp` (RFC 6962 §3.2). */
export interface Sct {
  version: typeof SCT_VERSION_V1;
  /** SHA-256 of the log key's SPKI DER. */
  logId: Uint8Array;
  /** Milliseconds since the epoch. */
  timestamp: number;
  extensions: Uint8Array;
  signature: DigitallySigned;
}

/** RFC 6962 §3.2: `LogID.key_id` = SHA-256 over the log's public key, DER SubjectPublicKeyInfo. */
export function logIdOf(publicKey: KeyObject): Uint8Array {
  return sha256(spkiDer(publicKey));
}

/**
 * The bytes an SCT signs (RFC 6962 §3.2 `digitally-signed struct`): `u8 sct_version ‖ u8 signature_type ‖
 * u64 timestamp ‖ u16 entry_type ‖ signed_entry ‖ extensions<0..2^16-1>`. For precert entries the signed entry
 * is `issuer_key_hash ‖ tbs<1..2^24-1>`, what verifiers rebuild from the final certificate.
 */
export function sctSignedData(entry: TimestampedEntry): Uint8Array {
  const w = new TlsWriter().u8(SCT_VERSION_V1).u8(SIGNATURE_TYPE_CERTIFICATE_TIMESTAMP).u64(entry.timestamp);
  return writeSignedEntry(w, entry.entry).vector16(entry.extensions).bytes();
}

/** The TLS serialization embedded in certificates (inside the SCT list) and logged by Fulcio. */
export function encodeSct(sct: Sct): Uint8Array {
  const w = new TlsWriter().u8(sct.version).fixed(sct.logId, LOG_ID_LENGTH).u64(sct.timestamp).vector16(sct.extensions);
  return writeDigitallySigned(w, sct.signature).bytes();
}

export function decodeSct(bytes: Uint8Array): Sct {
  const r = new TlsReader(bytes, 'SignedCertificateTimestamp');
  if (r.u8() !== SCT_VERSION_V1) throw new CtError('MALFORMED', 'SignedCertificateTimestamp: unsupported version');
  const sct: Sct = { version: SCT_VERSION_V1, logId: r.fixed(LOG_ID_LENGTH), timestamp: r.u64(), extensions: r.vector16(), signature: readDigitallySigned(r) };
  r.end();
  return sct;
}

/** One log's SCT signing. */
export interface SctSigner {
  sign(entry: TimestampedEntry): Promise<Sct>;
}

/**
 * SCTs signed with `signer`. The log ID is hashed here, once per key: exporting the key and hashing it again for
 * every SCT cost ≈ 60 µs of event loop a certificate (bench/ca/README.md, 2026-11-27).
 */
export function createSctSigner(signer: Signer): SctSigner {
  const logId = logIdOf(signer.publicKey);
  return {
    async sign(entry) {
      const signature = await signDigitally(signer, sctSignedData(entry));
      // A copy per SCT: the SCT is handed out, and one caller editing its bytes must not change the next SCT.
      return { version: SCT_VERSION_V1, logId: logId.slice(), timestamp: entry.timestamp, extensions: entry.extensions, signature };
    },
  };
}

/** Signs `entry` as the log whose key `signer` holds (one-off; a log keeps a createSctSigner). */
export async function signSct(signer: Signer, entry: TimestampedEntry): Promise<Sct> {
  return createSctSigner(signer).sign(entry);
}

/**
 * Whether `sct` is the log's signature over `entry`: log ID, timestamp and extensions must match, and the
 * signature must verify over the signed data rebuilt from them (what sigstore-go's VerifySCT does).
 */
export function verifySct(publicKey: KeyObject, sct: Sct, entry: Omit<TimestampedEntry, 'timestamp' | 'extensions'>): boolean {
  if (!bytesEqual(sct.logId, logIdOf(publicKey))) return false;
  const data = sctSignedData({ timestamp: sct.timestamp, extensions: sct.extensions, entry: entry.entry });
  return verifyDigitallySigned(publicKey, data, sct.signature);
}
