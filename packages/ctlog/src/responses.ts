import { encoding } from '@sigbox/core';
import { encodeDigitallySigned } from './digitally-signed.js';
import { type Sct, encodeSct } from './sct.js';

/**
 * The JSON bodies of RFC 6962 §4 (certificate-transparency-go types.go), base64 = standard with padding.
 * Sizes and indices are JSON numbers: a Sigbox tree stays far below 2^53 entries.
 */
export interface AddChainResponse {
  sct_version: 0;
  /** base64 of the 32-byte log ID. */
  id: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** base64 of the SCT extensions ('' when empty, as ctfe writes them). */
  extensions: string;
  /** base64 of the TLS-encoded DigitallySigned. */
  signature: string;
}

export interface GetSthResponse {
  tree_size: number;
  timestamp: number;
  sha256_root_hash: string;
  tree_head_signature: string;
}

export interface GetSthConsistencyResponse {
  consistency: string[];
}

export interface GetProofByHashResponse {
  leaf_index: number;
  audit_path: string[];
}

export interface LeafEntry {
  leaf_input: string;
  extra_data: string;
}

export interface GetEntriesResponse {
  entries: LeafEntry[];
}

export interface GetRootsResponse {
  certificates: string[];
}

export interface GetEntryAndProofResponse extends LeafEntry {
  audit_path: string[];
}

/** What add-chain and add-pre-chain produce: the JSON body and the serialized SCT the CA embeds. */
export interface AddedChain {
  response: AddChainResponse;
  /** TLS-serialized SignedCertificateTimestamp (RFC 6962 §3.2), ready for encodeSctList. */
  sct: Uint8Array;
  leafIndex: bigint;
  /** True when the chain's leaf was logged before: the SCT carries the original timestamp. */
  duplicate: boolean;
}

export function addChainResponse(sct: Sct): AddChainResponse {
  return {
    sct_version: sct.version,
    id: encoding.toBase64(sct.logId),
    timestamp: sct.timestamp,
    extensions: encoding.toBase64(sct.extensions),
    signature: encoding.toBase64(encodeDigitallySigned(sct.signature)),
  };
}

export function addedChain(sct: Sct, leafIndex: bigint, duplicate: boolean): AddedChain {
  return { response: addChainResponse(sct), sct: encodeSct(sct), leafIndex, duplicate };
}

export const b64 = (bytes: Uint8Array): string => encoding.toBase64(bytes);
