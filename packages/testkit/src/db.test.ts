import { createDb, sql } from '@sigbox/db';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, databaseEngines } from './db.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL || undefined;

describe('databaseEngines', () => {
  it('always includes pglite, and postgres exactly when TEST_DATABASE_URL is set', () => {
    expect(databaseEngines()).toEqual(ADMIN_URL === undefined ? ['pglite'] : ['pglite', 'postgres']);
  });
});

describe.skipIf(ADMIN_URL === undefined)('createTestDatabase on PostgreSQL', () => {
  async function exists(name: string): Promise<boolean> {
    const admin = createDb({ url: ADMIN_URL! });
    try {
      const { rows } = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`.execute(admin.kysely);
      return rows.length === 1;
    } finally {
      await admin.close();
    }
  }

  it('defaults to the server, migrated, in its own database that close() drops', async () => {
    const db = await createTestDatabase();
    const name = new URL(db.url!).pathname.slice(1);
    expect(db.engine).toBe('postgres');
    expect(name).toMatch(/^sigbox_test_[0-9a-f]{12}$/);
    expect(await db.kysely.selectFrom('sigbox_settings').selectAll().execute()).toEqual([]);
    expect(await exists(name)).toBe(true);
    await db.close();
    expect(await exists(name)).toBe(false);
  });

  it('drops the database even when a session is still connected', async () => {
    const db = await createTestDatabase({ migrate: false });
    const straggler = createDb({ url: db.url! });
    await sql`SELECT 1`.execute(straggler.kysely);
    await db.close();
    expect(await exists(new URL(db.url!).pathname.slice(1))).toBe(false);
    await straggler.close().catch(() => undefined); // its connection was terminated by DROP … WITH (FORCE)
  });
});
