import type { Generated } from '@sigbox/db';

/** migrations/0002_log.sql (+ 0003 `extra`, 0004 `frozen_at`), as the engine reads it (int8 → bigint, bytea → Uint8Array, timestamptz → Date). */
export type LogTables = {
  log_trees: { tree_id: bigint; name: string; origin: string; created_at: Generated<Date> };
  log_sequence: { tree_id: bigint; next_index: bigint; frozen_at: Generated<Date | null> };
  log_integration: { tree_id: bigint; size: bigint; root_hash: Uint8Array; checkpoint: string; updated_at: Generated<Date> };
  log_entries: { tree_id: bigint; idx: bigint; identity: Uint8Array; leaf_hash: Uint8Array; data: Uint8Array; extra: Uint8Array | null; sequenced_at: Date };
  log_entry_keys: { tree_id: bigint; key: string; idx: bigint };
  log_tiles: { tree_id: bigint; level: number; idx: bigint; hashes: Uint8Array };
  log_checkpoints: { tree_id: bigint; size: bigint; root_hash: Uint8Array; note: string; created_at: Date };
};
