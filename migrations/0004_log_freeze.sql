-- 0004_log_freeze: a tree can be frozen (a Rekor log key rotation opens a new shard and freezes the old one).
-- The mark lives on the sequencer's coordination row, so setting it and sequencing exclude each other: the
-- freeze takes the row FOR UPDATE like a batch does, and every batch reads the mark under the same lock. Once set,
-- `next_index` is the tree's final size and never moves again. NULL = open for writes.
ALTER TABLE log_sequence ADD COLUMN frozen_at timestamptz
