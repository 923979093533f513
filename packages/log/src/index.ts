export { LogError, type LogErrorCode, mapLogErrors } from './errors.js';
export type { LogTables } from './tables.js';
export {
  type AddEntry,
  type AddedEntry,
  type LogTree,
  type SequencedEntry,
  openLogTree,
  freezeLogTree,
  listLogTrees,
  type LogTreeListing,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BATCH_MAX_AGE_MS,
  DEFAULT_BATCH_QUIET_MS,
  DEFAULT_MAX_PENDING,
  DEFAULT_MAX_ENTRY_SIZE,
} from './log-tree.js';
export type { TreeDescription, TreeEngineOptions, OpenTreeOptions } from './tree-options.js';
export type { IntegratedState, IntegrationRound } from './integrator.js';
export type { TreeReader } from './tree-reader.js';
export { type CheckpointKey, type CheckpointSigner, checkpointPublicKey } from './checkpoint-signers.js';
export type { StoredEntry } from './storage.js';
export { createBatcher, type Batcher, type BatcherOptions } from './batcher.js';
export { backfillEntryKeys, type BackfillOptions, type KeyedEntry } from './backfill-keys.js';
// Proving a stored tree from its entries (`sigbox verify`): audit/.
export * from './audit/index.js';
