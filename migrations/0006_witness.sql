-- 0006_witness: checkpoints with their witnesses' cosignatures (C2SP tlog-witness, tlog-cosignature), so every
-- process serves what any process gathered. One row per tree and size: `note` is the log's signed checkpoint
-- for that size with every cosignature gathered for it appended (one line per witness key); rows change only
-- by gaining lines. Which witnesses a note satisfies is read from the note itself against the policy in force.
CREATE TABLE witnessed_checkpoints (
  tree_id bigint NOT NULL REFERENCES log_trees (tree_id),
  size bigint NOT NULL CHECK (size > 0),
  note text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tree_id, size)
)
