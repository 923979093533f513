// Fills one Rekor v2-shaped tree with N entries by direct SQL, as the log engine would have left them: entries with
// their search keys (a unique digest each, 1,000 identities of 1,000 entries, one popular identity on every 10th
// entry, 100 keys), checkpoints every 1,000 entries spread over the last six hours, the integration row. No tiles:
// the explorer's lists, search and status read none.
import { type Database, sql } from '@sigbox/db';

export const POPULAR_IDENTITY = 'release@example.com';
export const TREE_ID = 4242n;
const CHECKPOINT_EVERY = 1_000;
const CHUNK = 100_000;

/** The JSON of a hashedrekord 0.0.2 leaf with entry i's digest and a fixed P-256 key, built in SQL. */
const leafSql = (spkiBase64: string) => sql`convert_to(
  '{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"' ||
  encode(sha256(int8send(i)), 'base64') ||
  '"},"signature":{"content":"MEUCIQ==","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","publicKey":{"rawBytes":"${sql.raw(spkiBase64)}"}}}}}}', 'UTF8')`;

export async function fillTree(db: Database, size: number, spkiBase64: string, onProgress: (done: number) => void): Promise<void> {
  const k = db.kysely;
  await sql`INSERT INTO log_trees (tree_id, name, origin) VALUES (${TREE_ID}, 'bench-explorer', 'bench.example')`.execute(k);
  await sql`INSERT INTO log_sequence (tree_id, next_index) VALUES (${TREE_ID}, ${size})`.execute(k);
  for (let from = 0; from < size; from += CHUNK) {
    const to = Math.min(size, from + CHUNK);
    await sql`
      INSERT INTO log_entries (tree_id, idx, identity, leaf_hash, data, sequenced_at)
      SELECT ${TREE_ID}::int8, i, sha256(int8send(i)), sha256(int8send(-i)), ${leafSql(spkiBase64)},
             now() - make_interval(secs => (${size}::int8 - i) * 21600.0 / ${size})
      FROM generate_series(${from}::int8, ${to - 1}::int8) AS i`.execute(k);
    await sql`
      INSERT INTO log_entry_keys (tree_id, key, idx)
      SELECT ${TREE_ID}::int8, key, i FROM generate_series(${from}::int8, ${to - 1}::int8) AS i,
      LATERAL (VALUES ('sha256:' || encode(sha256(int8send(i)), 'hex')), ('dev' || (i % 1000) || '@example.com'), ('keyhash' || (i % 100))) AS k(key)
      UNION ALL
      SELECT ${TREE_ID}::int8, ${POPULAR_IDENTITY}, i FROM generate_series(${from}::int8, ${to - 1}::int8) AS i WHERE i % 10 = 0`.execute(k);
    onProgress(to);
  }
  await sql`
    INSERT INTO log_checkpoints (tree_id, size, root_hash, note, created_at)
    SELECT ${TREE_ID}::int8, s, sha256(int8send(s)), 'bench.example', now() - make_interval(secs => (${size}::int8 - s) * 21600.0 / ${size})
    FROM generate_series(${CHECKPOINT_EVERY}::int8, ${size}::int8, ${CHECKPOINT_EVERY}::int8) AS s`.execute(k);
  await sql`INSERT INTO log_integration (tree_id, size, root_hash, checkpoint) VALUES (${TREE_ID}, ${size}, sha256(int8send(${size}::int8)), 'bench.example')`.execute(k);
  await sql`ANALYZE log_entries`.execute(k);
  await sql`ANALYZE log_entry_keys`.execute(k);
  await sql`ANALYZE log_checkpoints`.execute(k);
}

/** The digest entry i is indexed under. */
export async function digestOf(db: Database, i: number): Promise<string> {
  const { rows } = await sql<{ hex: string }>`SELECT encode(sha256(int8send(${i}::int8)), 'hex') AS hex`.execute(db.kysely);
  return (rows[0] as { hex: string }).hex;
}
