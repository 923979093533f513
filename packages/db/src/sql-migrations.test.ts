import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DbError } from './error.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrate.js';
import { splitStatements, SqlMigrationProvider } from './sql-migrations.js';

describe('splitStatements', () => {
  it('splits on statement-break lines and drops empty or comment-only chunks', () => {
    const text = [
      '-- header comment',
      '-- statement-break',
      'CREATE TABLE a (x int)',
      '  --   statement-break  ',
      "INSERT INTO a VALUES (1); -- not a break: '-- statement-break' mid-line",
      '-- statement-break',
      '',
    ].join('\n');
    expect(splitStatements(text)).toEqual([
      'CREATE TABLE a (x int)',
      "INSERT INTO a VALUES (1); -- not a break: '-- statement-break' mid-line",
    ]);
  });

  it('keeps a file without breaks whole', () => {
    expect(splitStatements('-- c\nSELECT 1\n')).toEqual(['-- c\nSELECT 1']);
  });
});

describe('SqlMigrationProvider', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function folder(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sigbox-migrations-'));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }

  it('names migrations after their files, ignoring non-SQL files', async () => {
    const provider = new SqlMigrationProvider(await folder({ '0002_b.sql': 'SELECT 2', '0001_a.sql': 'SELECT 1', 'README.md': '' }));
    expect(Object.keys(await provider.getMigrations())).toEqual(['0001_a', '0002_b']);
  });

  it.each([['1_short.sql'], ['0001-dash.sql'], ['0001_Upper.sql']])('rejects the file name %s', async (name) => {
    const provider = new SqlMigrationProvider(await folder({ [name]: 'SELECT 1' }));
    await expect(provider.getMigrations()).rejects.toMatchObject({ code: 'INVALID_MIGRATION' });
  });

  it('rejects a migration without statements', async () => {
    const provider = new SqlMigrationProvider(await folder({ '0001_empty.sql': '-- nothing\n' }));
    await expect(provider.getMigrations()).rejects.toBeInstanceOf(DbError);
  });

  it('finds the repository migrations through the default URL', async () => {
    const migrations = await new SqlMigrationProvider(DEFAULT_MIGRATIONS_DIR).getMigrations();
    expect(Object.keys(migrations)[0]).toBe('0001_init');
  });
});
