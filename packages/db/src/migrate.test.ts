import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, databaseEngines, type TestDatabase } from '@sigbox/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db.js';
import { DEFAULT_MIGRATIONS_DIR, runMigrations } from './migrate.js';
import { SqlMigrationProvider } from './sql-migrations.js';

const REPO_MIGRATIONS = fileURLToPath(DEFAULT_MIGRATIONS_DIR);
// Other migrations join the folder over time; these tests hold for whatever it contains.
const ALL = Object.keys(await new SqlMigrationProvider(REPO_MIGRATIONS).getMigrations());

/** A temporary copy of the repository migrations plus `extra` files, run after them. */
async function migrationsPlus(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-migrations-'));
  await cp(REPO_MIGRATIONS, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function tableNames(db: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name
  `.execute(db.kysely);
  return rows.map((r) => r.name);
}

describe.each(databaseEngines())('runMigrations on %s', (engine) => {
  let db: TestDatabase;
  let brokenDir: string;

  beforeAll(async () => {
    db = await createTestDatabase({ engine, migrate: false });
    // A last migration whose second statement fails: its first must be rolled back with it.
    brokenDir = await migrationsPlus({ '9999_broken.sql': 'CREATE TABLE half (x int)\n-- statement-break\nSELECT nope FROM nowhere\n' });
  });
  afterAll(async () => {
    await db?.close();
    await rm(brokenDir, { recursive: true, force: true });
  });

  it('applies the repository migrations in order and records them', async () => {
    expect(ALL[0]).toBe('0001_init');
    expect(await runMigrations(db)).toEqual(ALL);
    expect(await tableNames(db)).toEqual(expect.arrayContaining(['kysely_migration', 'kysely_migration_lock', 'sigbox_settings']));
  });

  it('is a no-op the second time', async () => {
    expect(await runMigrations(db)).toEqual([]);
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db.kysely);
    expect(rows.map((r) => r.name)).toEqual(ALL);
  });

  it('a failing migration throws MIGRATION_FAILED and leaves none of its statements behind', async () => {
    const failing = runMigrations(db, { dir: brokenDir });
    await expect(failing).rejects.toMatchObject({ code: 'MIGRATION_FAILED', details: { migration: '9999_broken' } });
    expect(await tableNames(db)).not.toContain('half');
    expect(await runMigrations(db)).toEqual([]); // still consistent with the repository folder
  });
});

describe.skipIf(!databaseEngines().includes('postgres'))('runMigrations racing on one PostgreSQL', () => {
  const HANDLES = 4;

  it('holds a PostgreSQL advisory lock while migrating', async () => {
    const db = await createTestDatabase({ engine: 'postgres' });
    const dir = await migrationsPlus({ '9999_slow.sql': 'SELECT pg_sleep(1)\n' });
    try {
      const migrating = runMigrations(db, { dir });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { rows } = await sql<{ n: bigint }>`
        SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
      `.execute(db.kysely);
      expect(rows[0]?.n).toBe(1n);
      expect(await migrating).toEqual(['9999_slow']);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([1, 2, 3])('%i: concurrent starts apply each migration exactly once', async () => {
    const db = await createTestDatabase({ engine: 'postgres', migrate: false });
    const handles = Array.from({ length: HANDLES }, () => createDb({ url: db.url! }));
    try {
      const applied = await Promise.all(handles.map((h) => runMigrations(h)));
      expect(applied.flat().sort()).toEqual(ALL);
      const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db.kysely);
      expect(rows.map((r) => r.name)).toEqual(ALL);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await db.close();
    }
  });
});
