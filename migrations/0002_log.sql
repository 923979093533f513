-- 0002_log: the log engine's tables (docs/design/log.md). Leaves are bytes; personalities give them meaning.

-- One row per tree, fixed at creation: the tree ID is a random positive int64 (Trillian style), the origin
-- is the checkpoint's first line.
CREATE TABLE log_trees (
  tree_id bigint PRIMARY KEY CHECK (tree_id > 0),
  name text NOT NULL UNIQUE,
  origin text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
-- statement-break
-- The sequencer's coordination row: held FOR UPDATE while one batch gets its indices.
CREATE TABLE log_sequence (
  tree_id bigint PRIMARY KEY REFERENCES log_trees (tree_id),
  next_index bigint NOT NULL CHECK (next_index >= 0)
)
-- statement-break
-- The integrator's coordination row: the integrated size, its root and signed checkpoint.
CREATE TABLE log_integration (
  tree_id bigint PRIMARY KEY REFERENCES log_trees (tree_id),
  size bigint NOT NULL CHECK (size >= 0),
  root_hash bytea NOT NULL,
  checkpoint text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)
-- statement-break
-- Entries, keyed by index. `identity` decides what counts as a duplicate (the leaf hash unless the
-- personality says otherwise); unique per tree, so a duplicate can never get a second index.
CREATE TABLE log_entries (
  tree_id bigint NOT NULL,
  idx bigint NOT NULL CHECK (idx >= 0),
  identity bytea NOT NULL,
  leaf_hash bytea NOT NULL,
  data bytea NOT NULL,
  sequenced_at timestamptz NOT NULL,
  PRIMARY KEY (tree_id, idx),
  UNIQUE (tree_id, identity)
)
-- statement-break
-- Search keys of entries, written in the entry's own sequencing transaction.
CREATE TABLE log_entry_keys (
  tree_id bigint NOT NULL,
  key text NOT NULL,
  idx bigint NOT NULL,
  PRIMARY KEY (tree_id, key, idx)
)
-- statement-break
-- C2SP hash tiles, newest version only: full tiles never change again; the partial tile of each level
-- is rewritten as it grows, and any older partial is a prefix of it.
CREATE TABLE log_tiles (
  tree_id bigint NOT NULL,
  level integer NOT NULL CHECK (level >= 0),
  idx bigint NOT NULL CHECK (idx >= 0),
  hashes bytea NOT NULL,
  PRIMARY KEY (tree_id, level, idx)
)
-- statement-break
-- Every checkpoint the integrator signed. The primary key makes two roots for one size impossible; the
-- creation time of the first checkpoint covering an entry is that entry's integration time.
CREATE TABLE log_checkpoints (
  tree_id bigint NOT NULL,
  size bigint NOT NULL CHECK (size > 0),
  root_hash bytea NOT NULL,
  note text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tree_id, size)
)
-- statement-break
-- Lookups by leaf hash (Rekor UUIDs, CT get-proof-by-hash) when the identity is something else.
CREATE INDEX log_entries_leaf_hash ON log_entries (tree_id, leaf_hash)
