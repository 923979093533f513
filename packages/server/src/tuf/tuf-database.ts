import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Database, createDb, sql } from '@sigbox/db';
import { PGLITE_DIR } from '../start-server.js';
import { TufCeremonyError } from './tuf-ceremony-error.js';

/** Where a `sigbox tuf` step finds the box's database: its PostgreSQL, or the data folder's PGlite (box stopped). */
export interface BoxDatabase {
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
}

/**
 * Opens the box's database without migrating it: these steps read and add TUF rows to a database the box made, and
 * must not create an empty one where a path was mistyped.
 */
export async function withBoxDatabase<T>(where: BoxDatabase, run: (db: Database) => Promise<T>): Promise<T> {
  const pglite = path.join(where.dataDir, PGLITE_DIR);
  if (where.databaseUrl === undefined && !existsSync(pglite)) {
    throw new TufCeremonyError('DATABASE_UNAVAILABLE', `no database at ${pglite} (give --database-url for PostgreSQL)`);
  }
  const db = createDb(where.databaseUrl === undefined ? { pglite: { dataDir: pglite } } : { url: where.databaseUrl });
  try {
    try {
      await sql`select 1 from tuf_metadata limit 1`.execute(db.kysely);
    } catch (cause) {
      throw new TufCeremonyError('NOT_STARTED', `no TUF repository in that database (start the box once first): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    return await run(db);
  } finally {
    await db.close();
  }
}
