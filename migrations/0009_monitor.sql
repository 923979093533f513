-- 0009_monitor: what `sigbox monitor --database-url` keeps, one JSON document per name, replaced whole by one upsert:
-- `state:<log url>` (the last verified tree head and the tree's right edge, packages/monitor/src/state-store.ts) and
-- `outbox:<log url>` (webhook alerts not yet delivered, with their retry times). A document is a few KiB.
CREATE TABLE monitor_documents (
  name text PRIMARY KEY,
  document text NOT NULL,
  updated_at timestamptz NOT NULL
)
