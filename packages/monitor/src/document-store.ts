import { open, readFile, rename } from 'node:fs/promises';
import { type Kysely, type Tables, sql } from '@sigbox/db';
import { MonitorError } from './error.js';

/**
 * One JSON document the monitor keeps (its state, its webhook outbox), replaced whole and atomically: after a crash
 * either the old or the new text is read, never a mix. A file (`--state FILE`) or a row (`--database-url`).
 */
export interface DocumentStore {
  /** The stored text, or undefined when nothing was ever written. */
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

/** Writes `text` to `file` through a temporary file, fsync and rename: the file is always whole. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

export function createFileDocumentStore(file: string): DocumentStore {
  return {
    async read() {
      try {
        return await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new MonitorError('INVALID_STATE', `cannot read ${file}`, { cause: error });
      }
    },
    write: (text) => writeFileAtomic(file, text),
  };
}

/** migrations/0009_monitor.sql. */
interface MonitorTables {
  monitor_documents: { name: string; document: string; updated_at: Date };
}

/**
 * A row of `monitor_documents` keyed by `name` (e.g. `state:<log url>`, `outbox:<log url>`): the upsert is one
 * statement, so it is atomic like the file's rename.
 */
export function createDbDocumentStore(db: Kysely<Tables>, name: string): DocumentStore {
  const q = db as unknown as Kysely<MonitorTables>;
  return {
    async read() {
      const row = await q.selectFrom('monitor_documents').select('document').where('name', '=', name).executeTakeFirst();
      return row?.document;
    },
    async write(text) {
      await q
        .insertInto('monitor_documents')
        .values({ name, document: text, updated_at: sql<Date>`now()` })
        .onConflict((oc) => oc.column('name').doUpdateSet({ document: text, updated_at: sql<Date>`now()` }))
        .execute();
    },
  };
}
