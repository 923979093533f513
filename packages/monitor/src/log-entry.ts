/** One entry as a log serves it: the leaf's bytes (what RFC 6962's leaf hash is over) and, for CT, extra data. */
export interface LogEntry {
  readonly index: bigint;
  /** Rekor: the canonical entry body (v1) or entry JSON (v2); CT: the MerkleTreeLeaf. */
  readonly leaf: Uint8Array;
  /** CT get-entries `extra_data`: for a precertificate, the PrecertChainEntry holding the precertificate. */
  readonly extraData?: Uint8Array;
}

/** The log kinds the monitor reads. */
export type LogKind = 'rekor-v1' | 'tiles' | 'ct';
