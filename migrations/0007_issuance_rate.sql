-- 0007_issuance_rate: the issuance policy's per-rule rate limits (`rateLimit` in --issuance-policy), shared by every
-- process on the database so N processes behind a balancer allow N times nothing. One row per (rule, subject):
-- `issued_ms` is a JSON array of the epoch milliseconds of the certificates of the current window, oldest first,
-- pruned on every take, so it never holds more than the rule's `certificates`. The row is locked (FOR UPDATE) while a
-- slot is taken; rows of identities that stopped signing stay small and are pruned on their next use.
CREATE TABLE issuance_rate_windows (
  rule text NOT NULL,
  subject text NOT NULL,
  issued_ms jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (rule, subject)
)
