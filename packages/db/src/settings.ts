import type { Kysely } from 'kysely';
import { jsonb, type JsonValue, type Tables } from './tables.js';

/** The stored value of setting `name`, or `undefined` when it was never written. */
export async function getSetting(db: Kysely<Tables>, name: string): Promise<JsonValue | undefined> {
  const row = await db.selectFrom('sigbox_settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/**
 * Stores `value` under `name` unless a value is already there, and returns the stored one: the first writer
 * wins, on restart and across processes racing at first start. For values that must never change once a
 * deployment exists (a log's creation time, its tree id).
 *
 * `T` is the caller's claim about what this name holds; the same code path writes and reads it.
 *
 * @example
 * const createdAt = await putSettingOnce(db.kysely, 'rekor.created_at', clock().toISOString());
 */
export async function putSettingOnce<T extends JsonValue>(db: Kysely<Tables>, name: string, value: T): Promise<T> {
  // ON CONFLICT DO NOTHING waits for a concurrent inserter of the same key to commit, so the SELECT that
  // follows (a new snapshot under READ COMMITTED) always sees the winner's row.
  await db
    .insertInto('sigbox_settings')
    .values({ name, value: jsonb(value) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const stored = await getSetting(db, name);
  // Unreachable unless someone deletes settings, which nothing in Sigbox does.
  if (stored === undefined) throw new Error(`setting ${name} vanished after insert`);
  return stored as T;
}
