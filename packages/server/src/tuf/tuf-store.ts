import type { Database } from '@sigbox/db';
import { type RoleName, type SignedDocument, parseDocument } from '@sigbox/tuf';

/** migrations/0005_trust.sql, as read. */
export type TufTables = {
  tuf_metadata: { role: RoleName; version: number; body: Uint8Array; expires: Date };
  tuf_targets: { path: string; body: Uint8Array };
};

const tables = (db: Database) => db.kysely.withTables<TufTables>();

/** The TUF repository's storage: every version of every role, and the content-addressed target files. */
export interface TufStore {
  latest(role: RoleName): Promise<SignedDocument | undefined>;
  version(role: RoleName, version: number): Promise<Uint8Array | undefined>;
  /** Stores a document unless that version exists (another process won); true when this one was stored. */
  put(doc: SignedDocument): Promise<boolean>;
  target(path: string): Promise<Uint8Array | undefined>;
  putTarget(path: string, body: Uint8Array): Promise<void>;
}

export function createTufStore(db: Database): TufStore {
  return {
    async latest(role) {
      const row = await tables(db).selectFrom('tuf_metadata').select('body').where('role', '=', role).orderBy('version', 'desc').limit(1).executeTakeFirst();
      return row && parseDocument(row.body, role);
    },
    async version(role, version) {
      const row = await tables(db).selectFrom('tuf_metadata').select('body').where('role', '=', role).where('version', '=', version).executeTakeFirst();
      return row?.body;
    },
    async put(doc) {
      const result = await tables(db)
        .insertInto('tuf_metadata')
        .values({ role: doc.role, version: doc.version, body: doc.bytes, expires: doc.expires })
        .onConflict((oc) => oc.columns(['role', 'version']).doNothing())
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    async target(path) {
      return (await tables(db).selectFrom('tuf_targets').select('body').where('path', '=', path).executeTakeFirst())?.body;
    },
    async putTarget(path, body) {
      await tables(db).insertInto('tuf_targets').values({ path, body }).onConflict((oc) => oc.column('path').doNothing()).execute();
    },
  };
}
