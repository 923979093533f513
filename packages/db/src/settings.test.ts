import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db.js';
import { getSetting, putSettingOnce } from './settings.js';
import { jsonb } from './tables.js';

describe.each(databaseEngines())('settings on %s', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(() => db?.close());

  it('getSetting is undefined for an unknown name', async () => {
    expect(await getSetting(db.kysely, 'absent')).toBeUndefined();
  });

  it('putSettingOnce: the first writer wins and later writers get its value', async () => {
    expect(await putSettingOnce(db.kysely, 'log.created_at', '2024-01-01T00:00:00.000Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(await putSettingOnce(db.kysely, 'log.created_at', '2030-01-01T00:00:00.000Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(await getSetting(db.kysely, 'log.created_at')).toBe('2024-01-01T00:00:00.000Z');
  });

  it('stores arrays, objects and scalars as JSON on both engines', async () => {
    const value = { ids: [1, 2, 3], nested: [{ a: null }], ok: true, n: 1.5, s: 'é' };
    expect(await putSettingOnce(db.kysely, 'json', value)).toEqual(value);
    expect(await putSettingOnce(db.kysely, 'array', ['a', 'b'])).toEqual(['a', 'b']);
    expect(await putSettingOnce(db.kysely, 'null', null)).toBeNull();
  });

  it('records when a setting was first written', async () => {
    await db.kysely.insertInto('sigbox_settings').values({ name: 'stamped', value: jsonb(1) }).execute();
    const row = await db.kysely.selectFrom('sigbox_settings').selectAll().where('name', '=', 'stamped').executeTakeFirstOrThrow();
    expect(row.created_at).toBeInstanceOf(Date);
    expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it.skipIf(engine !== 'postgres')('racing writers on separate connections all see one winner', async () => {
    const handles = Array.from({ length: 4 }, () => createDb({ url: db.url! }));
    try {
      const results = await Promise.all(handles.map((h, i) => putSettingOnce(h.kysely, 'raced', `writer-${i}`)));
      expect(new Set(results).size).toBe(1);
      expect(await getSetting(db.kysely, 'raced')).toBe(results[0]);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });
});
