/**
 * A signed tree head after its signature verified: a C2SP checkpoint (Rekor v1 and v2, tlog-tiles) or an RFC 6962
 * STH, reduced to what the monitor compares. `signed` is the exact text or JSON the log served, kept as evidence.
 */
export interface TreeHead {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  /** The checkpoint origin; for a CT log, the log ID in hex. */
  readonly origin: string;
  /** What the log served (checkpoint note or STH JSON), verbatim: the evidence an alert carries. */
  readonly signed: string;
  /** The STH timestamp (ms since the epoch) for CT; checkpoints carry none. */
  readonly timestamp?: number;
}

/** Verifies what a log served as its tree head; throws a NoteError/MonitorError on a bad signature. */
export type TreeHeadVerifier = (served: string) => TreeHead;
