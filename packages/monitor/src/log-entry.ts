/** One entry as a log serves it: the leaf's bytes (what RFC 6962's leaf hash is over) and, for CT, extra data. */
export interface LogEntry {
  /** The leaf's index in its tree. */
  readonly index: bigint;
  /** The index users see when it differs: Rekor v1's global log index across shards (inactive shards first). */
  readonly logIndex?: bigint;
  /** Rekor: the canonical entry body (v1) or entry JSON (v2); CT: the MerkleTreeLeaf. */
  readonly leaf: Uint8Array;
  /** CT get-entries `extra_data`: for a precertificate, the PrecertChainEntry holding the precertificate. */
  readonly extraData?: Uint8Array;
}

/** The log kinds the monitor reads. */
export type LogKind = 'rekor-v1' | 'tiles' | 'ct';
