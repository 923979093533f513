import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db.js';
import { runMigrations } from './migrate.js';
import { getSetting, putSettingOnce } from './settings.js';

// Two PGlite starts (≈3 s each): the price of checking that a dataDir really persists across a restart.
describe('PGlite with a dataDir', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'sigbox-pglite-')), 'data');
  });
  afterAll(() => rm(path.dirname(dataDir), { recursive: true, force: true }));

  it('keeps schema and rows across close and reopen', async () => {
    const first = createDb({ pglite: { dataDir } });
    await runMigrations(first);
    await putSettingOnce(first.kysely, 'created_at', '2024-01-01T00:00:00.000Z');
    await first.close();

    const second = createDb({ pglite: { dataDir } });
    try {
      expect(await runMigrations(second)).toEqual([]);
      expect(await getSetting(second.kysely, 'created_at')).toBe('2024-01-01T00:00:00.000Z');
    } finally {
      await second.close();
    }
  });
});
