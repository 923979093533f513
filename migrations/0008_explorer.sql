-- 0008_explorer: the explorer's status page counts entries per minute from the checkpoints signed in the last hours
-- (the size each minute ended at). Checkpoints are keyed by size; this finds the window's first one without
-- reading the tree's whole checkpoint history (one a batch: hundreds of thousands on a busy log).
CREATE INDEX log_checkpoints_created_at ON log_checkpoints (tree_id, created_at)
