import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { DbError } from './error.js';

/**
 * Separates statements inside one migration file. Each chunk runs as its own query: PGlite through Kysely uses
 * PostgreSQL's extended query protocol, which takes one statement per prepared statement ("cannot insert multiple
 * commands into a prepared statement").
 */
export const STATEMENT_BREAK = /^[ \t]*--[ \t]*statement-break[ \t]*$/m;

// `0001_init.sql`: a zero-padded number so Kysely's name order is numeric order, then a snake_case topic.
const MIGRATION_FILE = /^(\d{4}_[a-z0-9_]+)\.sql$/;

/** The statements of one migration file, in order, without empty or comment-only chunks. */
export function splitStatements(text: string): string[] {
  return text
    .split(STATEMENT_BREAK)
    .map((chunk) => chunk.trim())
    .filter((chunk) => stripLineComments(chunk).trim() !== '');
}

function stripLineComments(chunk: string): string {
  return chunk.replace(/^[ \t]*--.*$/gm, '');
}

/** A forward-only migration from SQL statements: Sigbox's logs are append-only, so there is no `down`. */
export function sqlMigration(statements: readonly string[]): Migration {
  return {
    up: async (db: Kysely<unknown>) => {
      for (const statement of statements) await sql.raw(statement).execute(db);
    },
  };
}

/**
 * Reads `NNNN_topic.sql` files from one folder (other files, e.g. a README, are ignored). Kysely's
 * FileMigrationProvider would instead import `.js` modules, which the built package would have to ship.
 */
export class SqlMigrationProvider implements MigrationProvider {
  readonly #dir: string;

  constructor(dir: URL | string) {
    this.#dir = dir instanceof URL ? fileURLToPath(dir) : dir;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.#dir)).filter((f) => f.endsWith('.sql')).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const name = MIGRATION_FILE.exec(file)?.[1];
      if (name === undefined) throw invalid(file, 'expected NNNN_topic.sql');
      const statements = splitStatements(await readFile(path.join(this.#dir, file), 'utf8'));
      if (statements.length === 0) throw invalid(file, 'no statements');
      migrations[name] = sqlMigration(statements);
    }
    return migrations;
  }
}

function invalid(file: string, reason: string): DbError {
  return new DbError('INVALID_MIGRATION', `migration ${file}: ${reason}`, { details: { file } });
}
