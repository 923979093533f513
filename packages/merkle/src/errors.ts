import { BaseError } from '@sigbox/core';

/**
 * Why a Merkle operation failed. Verifiers throw these; `isValid*` wrappers turn them into `false`.
 * - INDEX_OUT_OF_RANGE: leaf index ≥ tree size, a negative value, or consistency sizes not 0 < size1 ≤ size2.
 * - SIZE_TOO_LARGE: building from tiles is limited to 2^53 − 1 leaves (verification accepts any uint64).
 * - INVALID_PROOF: the proof has the wrong shape: length, or a hash that is not 32 bytes (RFC 9162 §2.1.3.2).
 * - ROOT_MISMATCH: the proof is well-formed but does not lead to the expected root.
 * - INVALID_HASH: an input hash (leaf hash to append, root) is not 32 bytes.
 * - MISSING_TILE: the injected tile reader lacks a tile, or a tile is narrower than the tree size requires.
 * - INVALID_TILE: malformed tile bytes, path or width, or an entry bundle cut short (C2SP tlog-tiles).
 * - ENTRY_TOO_LARGE: an entry longer than 65535 bytes, which an entry bundle's uint16 length cannot express.
 */
export type MerkleErrorCode =
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_TOO_LARGE'
  | 'INVALID_PROOF'
  | 'ROOT_MISMATCH'
  | 'INVALID_HASH'
  | 'MISSING_TILE'
  | 'INVALID_TILE'
  | 'ENTRY_TOO_LARGE';

export class MerkleError extends BaseError<MerkleErrorCode> {}
