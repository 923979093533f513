/**
 * Witness cosignatures of the v2 tree's checkpoints, as the witnessing loop (another component) keeps them. Both
 * answers are fail-open: undefined means "serve the log's own checkpoint".
 */
export interface CheckpointWitnessing {
  /**
   * The signed note (log signature and cosignature lines) of the newest cosigned checkpoint whose size is ≥ `size`,
   * waiting a bounded time for one; undefined when none arrived in time.
   */
  cosigned(size: bigint): Promise<string | undefined>;
  /** The newest cosigned checkpoint note, if any. */
  latest(): Promise<string | undefined>;
}
