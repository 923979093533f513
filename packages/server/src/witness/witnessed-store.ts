import type { Database } from '@sigbox/db';
import { type NoteSignature, parseCheckpoint } from '@sigbox/merkle';
import { addCosignatures } from '@sigbox/witness';

/** migrations/0006_witness.sql `witnessed_checkpoints`, as read (int8 → bigint, timestamptz → Date). */
export type WitnessTables = {
  witnessed_checkpoints: { tree_id: bigint; size: bigint; note: string; updated_at: Date };
};

/** A checkpoint note carrying cosignatures, and its size. */
export interface WitnessedCheckpoint {
  readonly size: bigint;
  readonly note: string;
}

/** Where cosigned checkpoints of one tree live, shared by every process on the database. */
export interface WitnessedStore {
  /** The newest cosigned checkpoint, if any. */
  newest(): Promise<WitnessedCheckpoint | undefined>;
  /** The cosigned checkpoint of exactly `size`, if any. */
  at(size: bigint): Promise<WitnessedCheckpoint | undefined>;
  /**
   * Adds `cosignatures` to the stored note for the checkpoint's size (`checkpoint` itself when there is none) and
   * returns the result. Row-locked, so processes adding lines for one size at once lose none.
   */
  add(checkpoint: string, cosignatures: readonly NoteSignature[], now: Date): Promise<WitnessedCheckpoint>;
}

export function createWitnessedStore(database: Database, treeId: bigint): WitnessedStore {
  const db = database.kysely.withTables<WitnessTables>();
  const select = () => db.selectFrom('witnessed_checkpoints').select(['size', 'note']).where('tree_id', '=', treeId);
  return {
    newest: () => select().orderBy('size', 'desc').limit(1).executeTakeFirst(),
    at: (size) => select().where('size', '=', size).executeTakeFirst(),
    async add(checkpoint, cosignatures, now) {
      const { size } = parseCheckpoint(checkpoint);
      return db.transaction().execute(async (tx) => {
        // Insert-if-absent first, so the row exists to be locked: two first writers then serialise on it.
        await tx
          .insertInto('witnessed_checkpoints')
          .values({ tree_id: treeId, size, note: checkpoint, updated_at: now })
          .onConflict((oc) => oc.columns(['tree_id', 'size']).doNothing())
          .execute();
        const row = await tx.selectFrom('witnessed_checkpoints').select('note').where('tree_id', '=', treeId).where('size', '=', size).forUpdate().executeTakeFirstOrThrow();
        const note = addCosignatures(row.note, cosignatures);
        await tx.updateTable('witnessed_checkpoints').set({ note, updated_at: now }).where('tree_id', '=', treeId).where('size', '=', size).execute();
        return { size, note };
      });
    },
  };
}
