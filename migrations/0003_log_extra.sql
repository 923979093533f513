-- 0003_log_extra: what a personality keeps beside a leaf without hashing it (a CT entry's chain, its
-- `extra_data`). NULL for personalities that keep nothing.
ALTER TABLE log_entries ADD COLUMN extra bytea
