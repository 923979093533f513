import type { CheckpointSigner } from './checkpoint-signers.js';
import type { IntegrationRound } from './integrator.js';

/** What a tree is: decided by the personality that serves it. */
export interface TreeDescription {
  /** Unique name of the tree in the database, e.g. `rekor` or `ct`. */
  name: string;
  /** The checkpoint origin, decided once when the tree is created from its new tree ID. */
  origin: (treeId: bigint) => string;
  /** Who signs checkpoints (each adds a signature line). */
  signers: readonly CheckpointSigner[];
}

/** How the engine runs a tree — batching, pushback, threads, event hooks: decided by whoever opens it. */
export interface TreeEngineOptions {
  batchSize?: number;
  batchMaxAgeMs?: number;
  /** 0 = batches go by size and age only. */
  batchQuietMs?: number;
  /**
   * Least time between the starts of two integration rounds (default 0: back to back while there is work). A log
   * whose writers wait only for sequencing (CT, whose SCT is the promise) can integrate less often and save a
   * round's fixed cost; those waiting for integration wait up to this much longer.
   */
  integrationIntervalMs?: number;
  maxPending?: number;
  maxEntrySize?: number;
  clock?: () => Date;
  /** Told about every integration round this process ran (metrics). */
  onIntegrated?: (round: IntegrationRound, durationMs: number) => void;
  /** Told about every sequenced batch (metrics). */
  onSequenced?: (batchSize: number) => void;
  /**
   * Told about every inclusion proof that did not verify against the checkpoint it was built for (metrics). The
   * proof is never returned: `proveInclusion` rejects with PROOF_SELF_CHECK_FAILED.
   */
  onProofSelfCheckFailed?: () => void;
  /**
   * Sequence and integrate on a worker thread with its own pool (default true). Taken only where another thread
   * can reach the database (PostgreSQL, not PGlite) and sign with the same keys (every signer given as a private
   * key in memory, none as an HSM's signer), and without an injected `clock`, which cannot cross threads.
   */
  writerThread?: boolean;
  /**
   * Open for reads only (default false): no writer, no thread; `add` and `sequence` reject with CLOSED. For a frozen
   * tree kept readable (a Rekor shard after a key rotation). Entries a crash left unintegrated are integrated first.
   */
  readOnly?: boolean;
}

export interface OpenTreeOptions extends TreeDescription, TreeEngineOptions {}
