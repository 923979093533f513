import { type Database, sql } from '@sigbox/db';

/** The roles whose keys are listed in trusted_root.json. */
export type TrustRole = 'ca' | 'rekor' | 'rekor-v2' | 'ct' | 'tsa';

/** migrations/0005_trust.sql `trust_keys`, as read (timestamptz → Date, int8 → bigint). */
export interface TrustKeyRow {
  role: TrustRole;
  key_id: string;
  key_name: string;
  material: string;
  tree_id: bigint | null;
  valid_from: Date;
  valid_to: Date | null;
}

export type TrustTables = { trust_keys: TrustKeyRow };

const tables = (db: Database) => db.kysely.withTables<TrustTables>();

/** Every key of every role, oldest first within a role: the trust history. */
export async function readTrustKeys(db: Database): Promise<TrustKeyRow[]> {
  return tables(db).selectFrom('trust_keys').selectAll().orderBy('role').orderBy('valid_from').orderBy('key_id').execute();
}

/** The key that signs now for `role`: the newest start. */
export function activeKey(rows: readonly TrustKeyRow[], role: TrustRole): TrustKeyRow | undefined {
  return rows.filter((r) => r.role === role).at(-1);
}

/**
 * Records a role's first key, once: the first writer wins, on restart and across processes starting together.
 * `validFrom` is used only when the row is new (an older deployment's recorded start keeps its place).
 */
export async function registerFirstKey(db: Database, row: Omit<TrustKeyRow, 'valid_to'>): Promise<void> {
  await tables(db).insertInto('trust_keys').values({ ...row, valid_to: null }).onConflict((oc) => oc.columns(['role', 'key_id']).doNothing()).execute();
}

/**
 * A rotation's new key, the one that signs from `valid_from` on. Earlier keys keep their rows open-ended: each box
 * ends an old key's window once nothing it signs can still appear (mount.ts), which `sigbox rotate` cannot know.
 */
export async function recordNewKey(db: Database, row: Omit<TrustKeyRow, 'valid_to'>): Promise<void> {
  await tables(db).insertInto('trust_keys').values({ ...row, valid_to: null }).execute();
}

/** A cheap fingerprint of the history: processes poll it and reload when it changes. */
export async function trustKeysVersion(db: Database): Promise<string> {
  const row = await sql<{ n: string; latest: Date | null }>`select count(*)::text as n, max(greatest(valid_from, coalesce(valid_to, valid_from))) as latest from trust_keys`.execute(db.kysely);
  const first = row.rows[0];
  return `${first?.n ?? 0}@${first?.latest?.toISOString() ?? ''}`;
}
