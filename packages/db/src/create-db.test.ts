import { randomBytes } from 'node:crypto';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A scratch table with one column per normalised type; not part of the schema.
type Scratch = {
  scratch: {
    id: number;
    i: bigint | null;
    b: Uint8Array | null;
    t: Date | null;
    n: string | null;
    ia: bigint[] | null;
    ba: Uint8Array[] | null;
  };
};

const BIGINTS = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const MIB = 1 << 20;

function expectPlainBytes(value: unknown, expected: Uint8Array): void {
  expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
  expect(Buffer.from(value as Uint8Array).equals(expected)).toBe(true);
}

describe.each(databaseEngines())('createDb on %s', (engine) => {
  let db: TestDatabase;
  let id = 0;
  const scratch = () => db.kysely.withTables<Scratch>();

  async function roundTrip<K extends keyof Scratch['scratch']>(column: K, value: Scratch['scratch'][K]) {
    id += 1;
    await scratch().insertInto('scratch').values({ id, [column]: value }).execute();
    const row = await scratch().selectFrom('scratch').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return row[column] as unknown;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    await sql`CREATE TABLE scratch (id int PRIMARY KEY, i int8, b bytea, t timestamptz, n numeric, ia int8[], ba bytea[])`.execute(db.kysely);
  });
  afterAll(() => db?.close());

  it('reports its engine', () => {
    expect(db.engine).toBe(engine);
  });

  it.each(BIGINTS)('int8 %s round-trips as bigint', async (value) => {
    expect(await roundTrip('i', value)).toBe(value);
    const { v } = (await sql<{ v: unknown }>`SELECT ${sql.lit(value.toString())}::int8 AS v`.execute(db.kysely)).rows[0]!;
    expect(v).toBe(value);
  });

  it('small server-computed int8 values are bigint too (count(*))', async () => {
    const { n } = await scratch().selectFrom('scratch').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(typeof n).toBe('bigint');
  });

  it.each([
    ['empty', new Uint8Array(0)],
    ['0..255', Uint8Array.from({ length: 256 }, (_, i) => i)],
    ['1 MiB', new Uint8Array(randomBytes(MIB))],
  ])('bytea %s round-trips as a plain Uint8Array', async (_name, value) => {
    expectPlainBytes(await roundTrip('b', value), value);
  });

  it('accepts a Buffer parameter and still returns a plain Uint8Array', async () => {
    expectPlainBytes(await roundTrip('b', Buffer.from('abc')), Buffer.from('abc'));
  });

  it('timestamptz round-trips as Date, to the millisecond', async () => {
    const when = new Date('2024-02-29T12:34:56.789Z');
    const back = await roundTrip('t', when);
    expect(back).toBeInstanceOf(Date);
    expect((back as Date).toISOString()).toBe(when.toISOString());
    const { v } = (await sql<{ v: Date }>`SELECT '2024-02-29 14:34:56.789+02'::timestamptz AS v`.execute(db.kysely)).rows[0]!;
    expect(v.toISOString()).toBe(when.toISOString());
  });

  it('numeric comes back as its exact decimal string', async () => {
    expect(await roundTrip('n', '12345678901234567890.000000001')).toBe('12345678901234567890.000000001');
  });

  it('int8[] and bytea[] elements are normalised too', async () => {
    expect(await roundTrip('ia', [0n, -1n, 2n ** 63n - 1n])).toEqual([0n, -1n, 2n ** 63n - 1n]);
    const arrays = (await roundTrip('ba', [Uint8Array.of(1, 2), new Uint8Array(0)])) as unknown[];
    expect(arrays).toHaveLength(2);
    expectPlainBytes(arrays[0], Uint8Array.of(1, 2));
    expectPlainBytes(arrays[1], new Uint8Array(0));
  });

  it('a transaction that throws leaves nothing behind', async () => {
    const before = await scratch().selectFrom('scratch').select('id').execute();
    const failing = db.kysely.transaction().execute(async (trx) => {
      await trx.withTables<Scratch>().insertInto('scratch').values({ id: 10_000 }).execute();
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await scratch().selectFrom('scratch').select('id').execute()).toEqual(before);
  });

  it('a transaction whose statement fails rolls back and the database stays usable', async () => {
    const failing = db.kysely.transaction().execute(async (trx) => {
      await trx.withTables<Scratch>().insertInto('scratch').values({ id: 10_001 }).execute();
      await trx.withTables<Scratch>().insertInto('scratch').values({ id: 10_001 }).execute(); // duplicate key
    });
    await expect(failing).rejects.toMatchObject({ code: '23505' }); // SQLSTATE unique_violation
    const rows = await scratch().selectFrom('scratch').select('id').where('id', '=', 10_001).execute();
    expect(rows).toEqual([]);
  });

  // Last: closes the suite's database (afterAll then closes it a third time).
  it('close() is idempotent', async () => {
    await Promise.all([db.close(), db.close()]);
    await expect(sql`SELECT 1`.execute(db.kysely)).rejects.toThrow();
  });
});
