import crypto from 'node:crypto';
import { asBytes } from './encoding.js';

/**
 * SHA-256 through node:crypto's one-shot `hash`, the fastest path for the small inputs Merkle trees hash (1.2–1.6×
 * faster than createHash, nodejs/node#51044). Several parts are hashed as their concatenation.
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return asBytes(crypto.hash('sha256', parts[0] as Uint8Array, 'buffer'));
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return asBytes(h.digest());
}

/** Constant-time equality for digests and MACs; unequal lengths are simply unequal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
