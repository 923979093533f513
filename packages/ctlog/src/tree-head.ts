import type { KeyObject } from 'node:crypto';
import type { Signer } from '@sigbox/core';
import { type DigitallySigned, signDigitally, verifyDigitallySigned } from './digitally-signed.js';
import { TlsWriter } from './tls.js';

/** RFC 6962 §3.5 `Version v1(0)` and `SignatureType tree_hash(1)`. */
const STH_VERSION_V1 = 0;
const SIGNATURE_TYPE_TREE_HASH = 1;
const ROOT_HASH_LENGTH = 32;

export interface TreeHead {
  /** Milliseconds since the epoch. */
  timestamp: number;
  treeSize: bigint;
  rootHash: Uint8Array;
}

/** `TreeHeadSignature` (RFC 6962 §3.5): `u8 version ‖ u8 signature_type ‖ u64 timestamp ‖ u64 tree_size ‖ root[32]`. */
export function treeHeadSignatureInput(head: TreeHead): Uint8Array {
  return new TlsWriter()
    .u8(STH_VERSION_V1)
    .u8(SIGNATURE_TYPE_TREE_HASH)
    .u64(head.timestamp)
    .u64(head.treeSize)
    .fixed(head.rootHash, ROOT_HASH_LENGTH)
    .bytes();
}

export function signTreeHead(signer: Signer, head: TreeHead): Promise<DigitallySigned> {
  return signDigitally(signer, treeHeadSignatureInput(head));
}

export function verifyTreeHead(publicKey: KeyObject, head: TreeHead, signature: DigitallySigned): boolean {
  return verifyDigitallySigned(publicKey, treeHeadSignatureInput(head), signature);
}
