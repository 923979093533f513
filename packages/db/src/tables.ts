import { sql, type ColumnType, type Generated, type RawBuilder } from 'kysely';

/** A value that survives a JSON round trip unchanged (no `bigint`, `Date`, `undefined`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A json/jsonb parameter. Always written through {@link jsonb}: pg turns a JS array parameter into a
 * PostgreSQL array literal (`{1,2}`, pg `lib/utils.js` prepareValue), not JSON, while PGlite serialises it as
 * JSON — so raw values would behave differently per engine. The column types below only accept this.
 */
export type JsonbParam<T extends JsonValue = JsonValue> = RawBuilder<T>;

/** A jsonb column: reads as the parsed value, writes only through {@link jsonb}. */
export type JsonbColumn<T extends JsonValue = JsonValue> = ColumnType<T, JsonbParam<T>, JsonbParam<T>>;

/**
 * Encodes `value` as a jsonb parameter: JSON text plus an explicit cast, identical on both engines.
 *
 * @example
 * await db.insertInto('sigbox_settings').values({ name: 'log.origin', value: jsonb('example.org/log') }).execute();
 */
export function jsonb<T extends JsonValue>(value: T): JsonbParam<T> {
  return sql<T>`cast(${JSON.stringify(value)} as jsonb)`;
}

/** `sigbox_settings` (migrations/0001_init.sql): values fixed at first start, never changed afterwards. */
export interface SettingsTable {
  name: string;
  value: JsonbColumn;
  created_at: Generated<Date>;
}

/**
 * The tables this package itself reads and writes, as Kysely sees them. A package that owns tables of a later
 * migration declares them beside the code that queries them and adds them with `kysely.withTables<…>()` (the log
 * engine's are @sigbox/log's `LogTables`). Column types are the normalised JS types (see type-parsers.ts): int8 →
 * bigint, bytea → Uint8Array, timestamptz → Date.
 */
export interface Tables {
  sigbox_settings: SettingsTable;
}
