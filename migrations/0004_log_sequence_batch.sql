-- 0004_log_sequence_batch: a batch sequenced in one call. The sequencing transaction used to take six round
-- trips (lock the sequence row, find the identities already logged, insert the entries, their keys, move the
-- sequence, commit); under load its latency was most of what a CT SCT waits for (bench/ca). One call is one
-- statement: it runs as one transaction, all of it or none of it, like the six did.
--
-- Arguments, one element per entry of the batch in order: identity, leaf hash, data and extra (NULL for none) as
-- hex; then the search keys as (key, 1-based entry number) pairs; then the sequencing time. Returns one row per
-- entry: its number, its index, and whether its identity was already logged (or came earlier in the batch) —
-- then the index is the original's and nothing was written for it.
--
-- Why PL/pgSQL: the lock on the tree's sequence row is taken by a statement of its own, so the statement that
-- looks for duplicates and writes takes its snapshot after the lock is held (READ COMMITTED takes one per
-- statement). It therefore sees every entry another process sequenced before it, as the six statements did.
CREATE FUNCTION log_sequence_batch(
  p_tree bigint,
  p_identity text[],
  p_leaf_hash text[],
  p_data text[],
  p_extra text[],
  p_key text[],
  p_key_entry int4[],
  p_sequenced_at timestamptz
) RETURNS TABLE (entry int4, idx bigint, duplicate boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_next bigint;
BEGIN
  SELECT s.next_index INTO STRICT v_next FROM log_sequence s WHERE s.tree_id = p_tree FOR UPDATE;
  RETURN QUERY
  WITH input AS (
    SELECT t.n::int4 AS n, decode(t.a, 'hex') AS identity, t.l, t.d, t.x
    FROM unnest(p_identity, p_leaf_hash, p_data, p_extra) WITH ORDINALITY AS t(a, l, d, x, n)
  ), known AS (
    SELECT e.identity, e.idx FROM log_entries e
    WHERE e.tree_id = p_tree AND e.identity IN (SELECT i.identity FROM input i)
  ), fresh AS (
    -- The first entry of each identity not logged yet gets the next index, in batch order.
    SELECT f.*, v_next + row_number() OVER (ORDER BY f.n) - 1 AS idx
    FROM (
      SELECT DISTINCT ON (i.identity) i.* FROM input i
      WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.identity = i.identity)
      ORDER BY i.identity, i.n
    ) f
  ), written AS (
    INSERT INTO log_entries (tree_id, idx, identity, leaf_hash, data, extra, sequenced_at)
    SELECT p_tree, f.idx, f.identity, decode(f.l, 'hex'), decode(f.d, 'hex'), decode(f.x, 'hex'), p_sequenced_at FROM fresh f
    RETURNING 1
  ), keyed AS (
    INSERT INTO log_entry_keys (tree_id, key, idx)
    SELECT DISTINCT p_tree, k.key, f.idx FROM unnest(p_key, p_key_entry) AS k(key, n) JOIN fresh f ON f.n = k.n
    ON CONFLICT DO NOTHING
    RETURNING 1
  ), moved AS (
    UPDATE log_sequence s SET next_index = v_next + (SELECT count(*) FROM fresh)
    WHERE s.tree_id = p_tree AND EXISTS (SELECT 1 FROM fresh)
    RETURNING 1
  )
  SELECT i.n, coalesce(k.idx, first.idx), mine.n IS NULL
  FROM input i
  LEFT JOIN known k ON k.identity = i.identity
  LEFT JOIN fresh mine ON mine.n = i.n
  LEFT JOIN fresh first ON first.identity = i.identity
  ORDER BY i.n;
END
$$
