import type { NoteVerifier } from '@sigbox/merkle';

/** What an audit can find wrong with a stored tree; each names where (tile level/index, entry index or tree size). */
export type AuditProblemCode =
  /** An index below the sequencer's next index has no entry row: the tree cannot be rebuilt past it. */
  | 'ENTRY_MISSING'
  /** The stored `leaf_hash` is not the RFC 6962 leaf hash of the stored `data`. */
  | 'LEAF_HASH_MISMATCH'
  /** A stored tile differs from the one rebuilt from the entries (a partial tile: from the rebuilt prefix). */
  | 'TILE_MISMATCH'
  /** A tile the integrated tree consists of is not stored. */
  | 'TILE_MISSING'
  /** A stored tile no entry accounts for (beyond the entries, or wider than they are). */
  | 'TILE_EXTRA'
  /** A stored tile row that is not 1..256 hashes of 32 bytes. */
  | 'TILE_MALFORMED'
  /** A stored checkpoint's root (row or note) is not the root of the entries at its size. */
  | 'ROOT_MISMATCH'
  /** A stored checkpoint is larger than the entries stored. */
  | 'CHECKPOINT_BEYOND_ENTRIES'
  /** A checkpoint note that does not parse, names another origin or size, or whose signature fails. */
  | 'CHECKPOINT_INVALID'
  /** The integration row disagrees with the checkpoint stored for its size. */
  | 'INTEGRATION_MISMATCH'
  /** No key in the trust material verifies this tree's checkpoints (set by the caller that resolves keys). */
  | 'NO_KEY';

export interface AuditProblem {
  readonly code: AuditProblemCode;
  readonly tree: string;
  readonly message: string;
  readonly level?: number;
  readonly index?: bigint;
  readonly size?: bigint;
}

/** A tree as `log_trees` holds it. */
export interface AuditTreeRow {
  readonly treeId: bigint;
  readonly name: string;
  readonly origin: string;
}

export interface AuditProgress {
  readonly tree: string;
  /** Entries of this tree rebuilt so far, and all it has. */
  readonly entriesDone: bigint;
  readonly entriesTotal: bigint;
}

export interface AuditTreeOptions {
  /** The keys the tree's checkpoints must verify under; empty = notes are parsed and compared, not verified. */
  readonly verifiers: readonly NoteVerifier[];
  /** Called after each batch of entries. */
  readonly onProgress?: (progress: AuditProgress) => void;
  /** Entries per database read (default {@link DEFAULT_AUDIT_BATCH}). */
  readonly batchSize?: number;
  /** Bytes of entry data per database read, at least one entry (default {@link DEFAULT_AUDIT_BATCH_BYTES}). */
  readonly batchBytes?: number;
  /** Problems kept in the report; the rest are counted (default {@link DEFAULT_MAX_LISTED_PROBLEMS}). */
  readonly maxListedProblems?: number;
}

/** 4,096 entries = 16 full level-0 tiles per read: few round trips, one small batch of rows in memory. */
export const DEFAULT_AUDIT_BATCH = 4096;
/** Entries are up to MiBs (a DSSE envelope): bound each read by bytes too, so memory stays flat whatever they hold. */
export const DEFAULT_AUDIT_BATCH_BYTES = 16 * 1024 * 1024;
/** A corrupt database could yield a problem per entry: list the first ones, count all. */
export const DEFAULT_MAX_LISTED_PROBLEMS = 50;

export interface TreeAuditReport {
  readonly tree: AuditTreeRow;
  /** Entries rebuilt (the sequencer's next index when nothing is missing). */
  readonly entries: bigint;
  /** The integrated size of the tree (`log_integration`). */
  readonly integratedSize: bigint;
  /** Stored tiles compared with rebuilt ones. */
  readonly tiles: number;
  /** Stored checkpoints (`log_checkpoints`) whose root was recomputed; the integration row's note is checked too. */
  readonly checkpoints: number;
  /** Of those, the notes whose signature verified with the tree's key. */
  readonly signatures: number;
  readonly problemCount: number;
  /** The first problems found (at most `maxListedProblems`). */
  readonly problems: readonly AuditProblem[];
}
