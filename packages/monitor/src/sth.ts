import type { KeyObject } from 'node:crypto';
import { encoding, verifySignature } from '@sigbox/core';
import {
  type DigitallySigned,
  type TreeHead as CtTreeHead,
  HASH_SHA256,
  SIGNATURE_RSA,
  decodeDigitallySigned,
  logIdOf,
  treeHeadSignatureInput,
  verifyTreeHead,
} from '@sigbox/ctlog';
import { MonitorError } from './error.js';
import type { TreeHead, TreeHeadVerifier } from './tree-head.js';

/** The JSON `get-sth` answers (RFC 6962 §4.3). */
interface SthJson {
  tree_size: number;
  timestamp: number;
  sha256_root_hash: string;
  tree_head_signature: string;
}

function invalid(message: string): MonitorError {
  return new MonitorError('INVALID_RESPONSE', `STH: ${message}`);
}

function decodeSignature(base64: string): DigitallySigned {
  try {
    return decodeDigitallySigned(encoding.fromBase64(base64));
  } catch {
    throw invalid('tree_head_signature is not a DigitallySigned');
  }
}

/**
 * Whether `ds` signs `head` under `publicKey`. ctlog verifies sha256/ecdsa (P-256), what Sigbox's own log signs;
 * RFC 6962 §2.1.4 also allows sha256/rsa, which other logs may use, checked here as PKCS#1 v1.5 SHA-256.
 */
function verifies(publicKey: KeyObject, head: CtTreeHead, ds: DigitallySigned): boolean {
  if (ds.hashAlgorithm === HASH_SHA256 && ds.signatureAlgorithm === SIGNATURE_RSA && publicKey.asymmetricKeyType === 'rsa') {
    return verifySignature(publicKey, treeHeadSignatureInput(head), ds.signature);
  }
  return verifyTreeHead(publicKey, head, ds);
}

/** The CT log ID: SHA-256 of the log key's SPKI DER (RFC 6962 §3.2), hex. */
export function ctLogId(publicKey: KeyObject): string {
  return encoding.toHex(logIdOf(publicKey));
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
    if (sth === null || typeof sth !== 'object') throw invalid('not an object');
    if (!Number.isSafeInteger(sth.tree_size) || sth.tree_size < 0 || !Number.isSafeInteger(sth.timestamp) || sth.timestamp < 0) {
      throw invalid('bad tree_size or timestamp');
    }
    const rootHash = encoding.fromBase64(String(sth.sha256_root_hash));
    if (rootHash.length !== 32) throw invalid('root hash is not 32 bytes');
    const signature = decodeSignature(String(sth.tree_head_signature));
    if (!verifies(publicKey, { timestamp: sth.timestamp, treeSize: BigInt(sth.tree_size), rootHash }, signature)) {
      throw new MonitorError('INVALID_RESPONSE', 'STH signature does not verify', { details: { badSignature: true } });
    }
    return { size: BigInt(sth.tree_size), rootHash, origin, signed: served, timestamp: sth.timestamp };
  };
}
