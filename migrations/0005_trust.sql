-- 0005_trust: every key that ever signed for the box, with the window it signed in, and the TUF repository that
-- publishes them. Nothing here is secret: private keys live in the keyring (files or an HSM), never in the database.

-- One row per key and role. The newest valid_from of a role is the key that signs now; older rows stay so that
-- trusted_root.json keeps listing them (with validFor.end = valid_to) and old signatures keep verifying.
-- key_id: hex SHA-256 of the SPKI (logs: the log ID) or of the issuing certificate (CA). material: the public key
-- (PEM) or the CA chain (PEM, issuing certificate first). tree_id: the tree a log key signs.
CREATE TABLE trust_keys (
  role text NOT NULL,
  key_id text NOT NULL,
  key_name text NOT NULL,
  material text NOT NULL,
  tree_id bigint,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz,
  PRIMARY KEY (role, key_id)
)
-- statement-break
-- TUF metadata, every version kept: clients walk root versions one by one, and a consistent snapshot serves
-- <v>.targets.json / <v>.snapshot.json by version. body is the exact JSON served.
CREATE TABLE tuf_metadata (
  role text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  body bytea NOT NULL,
  expires timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role, version)
)
-- statement-break
-- Target files by their consistent-snapshot path `<sha256 hex>.<name>`: content-addressed, so never rewritten.
CREATE TABLE tuf_targets (
  path text PRIMARY KEY,
  body bytea NOT NULL
)
