import crypto, { type KeyObject } from 'node:crypto';
import { encoding } from '@sigbox/core';
import { MonitorError } from './error.js';
import type { TreeHead, TreeHeadVerifier } from './tree-head.js';

/** The JSON `get-sth` answers (RFC 6962 §4.3). */
interface SthJson {
  tree_size: number;
  timestamp: number;
  sha256_root_hash: string;
  tree_head_signature: string;
}

// RFC 6962 §3.5: digitally-signed struct { Version v1(0); SignatureType tree_hash(1); uint64 timestamp;
// uint64 tree_size; opaque sha256_root_hash[32]; } TreeHeadSignature.
function treeHeadSignatureInput(timestamp: bigint, size: bigint, root: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + 8 + 8 + 32);
  const view = new DataView(out.buffer);
  out[0] = 0;
  out[1] = 1;
  view.setBigUint64(2, timestamp);
  view.setBigUint64(10, size);
  out.set(root, 18);
  return out;
}

function invalid(message: string): MonitorError {
  return new MonitorError('INVALID_RESPONSE', `STH: ${message}`);
}

/** RFC 5246 §4.7 DigitallySigned: hash algorithm (4 = SHA-256), signature algorithm, uint16 length, signature. */
function splitDigitallySigned(bytes: Uint8Array): { hash: number; signature: Uint8Array } {
  if (bytes.length < 4) throw invalid('tree_head_signature too short');
  const length = ((bytes[2] as number) << 8) | (bytes[3] as number);
  if (bytes.length !== 4 + length) throw invalid('tree_head_signature length does not match');
  return { hash: bytes[0] as number, signature: bytes.subarray(4) };
}

/** The CT log ID: SHA-256 of the log key's SPKI DER (RFC 6962 §3.2), hex. */
export function ctLogId(publicKey: KeyObject): string {
  return crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * A verifier for RFC 6962 `get-sth` answers signed by `publicKey` (ECDSA P-256 or RSA, SHA-256, as RFC 6962 §2.1.4
 * allows). Throws MonitorError('INVALID_RESPONSE') on a malformed STH and on a signature that does not verify.
 */
export function createSthVerifier(publicKey: KeyObject): TreeHeadVerifier {
  const origin = ctLogId(publicKey);
  return (served: string): TreeHead => {
    let sth: SthJson;
    try {
      sth = JSON.parse(served) as SthJson;
    } catch {
      throw invalid('not JSON');
    }
    if (!Number.isSafeInteger(sth.tree_size) || sth.tree_size < 0 || !Number.isSafeInteger(sth.timestamp)) throw invalid('bad tree_size or timestamp');
    const rootHash = encoding.fromBase64(String(sth.sha256_root_hash));
    if (rootHash.length !== 32) throw invalid('root hash is not 32 bytes');
    const { hash, signature } = splitDigitallySigned(encoding.fromBase64(String(sth.tree_head_signature)));
    const input = treeHeadSignatureInput(BigInt(sth.timestamp), BigInt(sth.tree_size), rootHash);
    if (hash !== 4 || !crypto.verify('sha256', input, publicKey, signature)) {
      throw new MonitorError('INVALID_RESPONSE', 'STH signature does not verify', { details: { badSignature: true } });
    }
    return { size: BigInt(sth.tree_size), rootHash, origin, signed: served, timestamp: sth.timestamp };
  };
}
