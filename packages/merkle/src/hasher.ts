import crypto from 'node:crypto';
import { encoding } from '@sigbox/core';
import { hashNode32 } from './sha256-node.js';

/** SHA-256 output size; every RFC 6962 leaf, node and root hash has it. */
export const HASH_SIZE = 32;

// RFC 6962 §2.1 domain separation: 0x00 prefixes leaves, 0x01 interior nodes, so a leaf can never be
// passed off as a node (second-preimage resistance).
const LEAF_PREFIX = 0x00;
const NODE_PREFIX_BYTE = Uint8Array.of(0x01);
// Leaves up to this size are hashed from a reused buffer; larger ones stream through createHash.
const LEAF_SCRATCH_SIZE = 4096;

/**
 * The two RFC 6962 hash functions as a seam: the default runs on node:crypto, a browser-safe verifier can
 * pass one built on @noble/hashes. Implementations must return fresh arrays the caller may keep.
 */
export interface Hasher {
  /** SHA-256(0x00 ‖ data) */
  hashLeaf(data: Uint8Array): Uint8Array;
  /** SHA-256(0x01 ‖ left ‖ right) */
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
}

/**
 * The default server hasher. Interior nodes of two 32-byte children — every node of a real tree — go through
 * `hashNode32`, a SHA-256 specialised for that 65-byte message: ≈ 0.65 µs against ≈ 1.8–2.0 µs for a one-shot
 * `crypto.hash` on the benchmark machine, whose cost is mostly node:crypto's per-call overhead
 * (bench/merkle/README.md). Leaves, whose size is arbitrary, and odd-sized children stay on node:crypto. Leaves up
 * to LEAF_SCRATCH_SIZE are copied into a reused buffer for one-shot `crypto.hash` (1.2–1.6× faster than createHash
 * for small inputs, nodejs/node#51044), which returns a new Buffer, so results never alias the scratch buffer (each
 * hasher owns its own); results are plain Uint8Array views of it, so `slice()` copies as callers expect.
 */
export function createNodeHasher(): Hasher {
  // A plain Uint8Array: its subarray() is cheaper than Buffer's, and crypto.hash takes any TypedArray.
  const leaf = new Uint8Array(1 + LEAF_SCRATCH_SIZE);
  leaf[0] = LEAF_PREFIX;
  return {
    hashLeaf(data) {
      if (data.length > LEAF_SCRATCH_SIZE) {
        return encoding.asBytes(crypto.createHash('sha256').update(leaf.subarray(0, 1)).update(data).digest());
      }
      leaf.set(data, 1);
      return encoding.asBytes(crypto.hash('sha256', leaf.subarray(0, 1 + data.length), 'buffer'));
    },
    hashChildren(left, right) {
      if (left.length === HASH_SIZE && right.length === HASH_SIZE) return hashNode32(left, right);
      return encoding.asBytes(crypto.createHash('sha256').update(NODE_PREFIX_BYTE).update(left).update(right).digest());
    },
  };
}

/** The default hasher used whenever a function's optional `hasher` is omitted. */
export const defaultHasher: Hasher = createNodeHasher();

/** RFC 6962 §2.1 leaf hash: SHA-256(0x00 ‖ data). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return defaultHasher.hashLeaf(data);
}

/** RFC 6962 §2.1 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return defaultHasher.hashChildren(left, right);
}

/**
 * MTH({}) = SHA-256("") (RFC 6962 §2.1), the root of the empty tree. Typed arrays cannot be frozen: treat
 * it as read-only; functions returning the empty root return a copy.
 */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(crypto.hash('sha256', new Uint8Array(0), 'buffer'));
