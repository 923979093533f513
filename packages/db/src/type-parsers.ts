import pg from 'pg';
import { DbError } from './error.js';

/**
 * One representation per type on both engines: int8 → `bigint`, bytea → plain `Uint8Array`, timestamptz → `Date`,
 * numeric → decimal `string`, json/jsonb → parsed value. Without this, the same query returns different JS types on
 * pg and PGlite (measured: pg gives int8 as a string and bytea as a Buffer, PGlite int8 as a number or a bigint),
 * and code above `db` would have to know which engine it runs on.
 */

// Type OIDs from PostgreSQL src/include/catalog/pg_type.dat.
export const OID_BYTEA = 17;
export const OID_INT8 = 20;
export const OID_BYTEA_ARRAY = 1001;
export const OID_INT8_ARRAY = 1016;

const HEX_PREFIX = '\\x'; // bytea_output = 'hex' (the default since PostgreSQL 9.0), docs §8.4.1

/**
 * int8 as `bigint` everywhere. pg returns a string (so no precision is lost); PGlite returns a `number` when
 * the value is a safe integer and a `bigint` beyond 2^53 — mixed types in one column. Log indexes and tree
 * sizes are uint64 values, so `bigint` is the only faithful choice.
 */
export function parseInt8(text: string): bigint {
  return BigInt(text);
}

/**
 * bytea as a plain `Uint8Array` that owns its memory. pg's default parser returns a `Buffer`, often a slice of
 * Node's shared 8 KiB pool (so `.buffer` would expose unrelated bytes); PGlite builds its result one
 * `parseInt` per byte (slow for MiB values). Decoding the hex text straight into a fresh array fixes both.
 */
export function parseBytea(text: string): Uint8Array {
  if (!text.startsWith(HEX_PREFIX)) return escapeFormatBytea(text);
  const hex = text.slice(HEX_PREFIX.length);
  const out = new Uint8Array(Math.floor(hex.length / 2));
  // Buffer.write stops at the first non-hex pair, so a short count means malformed input.
  const written = Buffer.from(out.buffer).write(hex, 'hex');
  if (hex.length % 2 !== 0 || written !== out.length) {
    throw new DbError('INVALID_BYTEA', 'malformed bytea hex text', { details: { length: text.length } });
  }
  return out;
}

/** A server configured with `bytea_output = 'escape'`: let pg-types decode it, then copy out of the Buffer. */
function escapeFormatBytea(text: string): Uint8Array {
  return new Uint8Array(defaultTextParser<Uint8Array>(OID_BYTEA)(text));
}

/** pg-types' built-in text parser for `oid` (its `TypeId` typing omits the array OIDs it does register). */
function defaultTextParser<T>(oid: number): (text: string) => T {
  const get = pg.types.getTypeParser as (oid: number, format: 'text') => (text: string) => T;
  return get(oid, 'text');
}

type Nested<T> = T | null | Array<Nested<T>>;

function mapNested<A, B>(value: Nested<A>, f: (a: A) => B): Nested<B> {
  if (value === null) return null;
  return Array.isArray(value) ? value.map((v) => mapNested(v, f)) : f(value);
}

/**
 * Per-pool type overrides for pg. Never `pg.types.setTypeParser`: that is process-global and would change
 * every other pg user in the process (pg `lib/type-overrides.js` exists for exactly this).
 * Arrays: pg-types' array parsers return element strings/Buffers, so their elements are re-parsed here;
 * PGlite derives array parsers from the element parsers by itself.
 */
export function pgTypeOverrides(): pg.TypeOverrides {
  const overrides = new pg.TypeOverrides();
  const int8Array = defaultTextParser<Nested<string>>(OID_INT8_ARRAY);
  const byteaArray = defaultTextParser<Nested<Uint8Array>>(OID_BYTEA_ARRAY);
  overrides.setTypeParser(OID_INT8, 'text', parseInt8);
  overrides.setTypeParser(OID_BYTEA, 'text', parseBytea);
  overrides.setTypeParser(OID_INT8_ARRAY, 'text', (t: string) => mapNested(int8Array(t), parseInt8));
  // pg's bytea[] elements are Buffers: copy each into a plain Uint8Array.
  overrides.setTypeParser(OID_BYTEA_ARRAY, 'text', (t: string) => mapNested(byteaArray(t), (b) => new Uint8Array(b)));
  return overrides;
}

/**
 * PGlite parsers (its `parsers` option merges over the built-ins). timestamptz → `Date`, numeric → `string`
 * and json → parsed are already what pg does, so only int8 and bytea need replacing.
 */
export function pgliteParsers(): Record<number, (text: string) => unknown> {
  return { [OID_INT8]: parseInt8, [OID_BYTEA]: parseBytea };
}
