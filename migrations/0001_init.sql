-- 0001_init: the foundation. Forward-only; statements separated by "-- statement-break" lines
-- (PGlite through Kysely cannot run several statements in one query).

-- Values fixed at first start and never changed on restart (e.g. a log's creation time, its origin).
-- Written once with INSERT … ON CONFLICT DO NOTHING (packages/db/src/settings.ts), first writer wins.
CREATE TABLE sigbox_settings (
  name text PRIMARY KEY,
  value jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
