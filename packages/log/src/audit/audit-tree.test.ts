import { encoding, generatePrivateKey } from '@sigbox/core';
import { createNoteVerifier } from '@sigbox/merkle';
import { sql } from '@sigbox/db';
import { type TestDatabase, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogTree } from '../log-tree.js';
import { auditTree, listAuditTrees } from './audit-tree.js';
import type { AuditTreeRow, TreeAuditReport } from './audit-types.js';

const privateKey = generatePrivateKey('ecdsa-p256');
const verifier = createNoteVerifier('log.example', privateKey);
/** 256·2 + 70: two full level-0 tiles, a partial one (70), and a partial level-1 tile (2): 4 tiles. */
const ENTRIES = 582;

const codes = (r: TreeAuditReport) => r.problems.map((p) => p.code);

describe.each(databaseEngines())('auditTree on %s', (engine) => {
  let db: TestDatabase;
  let tree: AuditTreeRow;
  let checkpointRows: number;
  const run = (statement: ReturnType<typeof sql>) => statement.execute(db.kysely);

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    const log = await openLogTree(db, { name: 'main', origin: (id) => `log.example - ${id}`, signers: [{ name: 'log.example', privateKey }], batchMaxAgeMs: 2 });
    // Several rounds, so there are many checkpoints and partial tiles were rewritten as they grew.
    for (let i = 0; i < ENTRIES; i += 97) {
      await Promise.all(Array.from({ length: Math.min(97, ENTRIES - i) }, (_, k) => log.add({ data: encoding.utf8(`entry ${i + k}`) })));
    }
    await log.close();
    [tree] = (await listAuditTrees(db)) as [AuditTreeRow];
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM log_checkpoints`.execute(db.kysely);
    checkpointRows = Number(rows[0]?.n);
  }, 120_000);
  afterAll(() => db?.close());

  it('finds nothing wrong with the tree the engine wrote, reading in batches of any size', async () => {
    const progress: bigint[] = [];
    const whole = await auditTree(db, tree, { verifiers: [verifier], onProgress: (p) => progress.push(p.entriesDone) });
    expect(whole).toMatchObject({ entries: BigInt(ENTRIES), integratedSize: BigInt(ENTRIES), problemCount: 0, tiles: 4 });
    // Every stored checkpoint, each signature verified.
    expect(whole.checkpoints).toBe(checkpointRows);
    expect(whole.signatures).toBe(checkpointRows);
    expect(progress.at(-1)).toBe(BigInt(ENTRIES));
    const small = await auditTree(db, tree, { verifiers: [verifier], batchSize: 7, batchBytes: 20 });
    expect({ ...small, problems: [] }).toEqual({ ...whole, problems: [] });
  });

  it('names a stored tile that differs, and a leaf whose data changed', async () => {
    const tile = (await sql<{ hashes: Uint8Array }>`SELECT hashes FROM log_tiles WHERE level = 0 AND idx = 1`.execute(db.kysely)).rows[0]?.hashes;
    await run(sql`UPDATE log_tiles SET hashes = overlay(hashes PLACING '\xff'::bytea FROM 33) WHERE level = 0 AND idx = 1`);
    await run(sql`UPDATE log_entries SET data = 'tampered'::bytea WHERE idx = 550`);
    const report = await auditTree(db, tree, { verifiers: [verifier] });
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'TILE_MISMATCH', tree: 'main', level: 0, index: 1n }));
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'LEAF_HASH_MISMATCH', index: 550n }));
    // The changed leaf no longer matches its (partial) tile, nor the checkpoints that cover it.
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'TILE_MISMATCH', level: 0, index: 2n }));
    expect(codes(report)).toContain('ROOT_MISMATCH');
    await run(sql`UPDATE log_entries SET data = ${encoding.utf8('entry 550')} WHERE idx = 550`);
    await run(sql`UPDATE log_tiles SET hashes = ${tile} WHERE level = 0 AND idx = 1`);
    expect((await auditTree(db, tree, { verifiers: [verifier] })).problemCount).toBe(0);
  });

  it('finds a missing tile, a forged checkpoint note and a key that is not the tree’s', async () => {
    const tile = (await sql<{ hashes: Uint8Array }>`SELECT hashes FROM log_tiles WHERE level = 0 AND idx = 0`.execute(db.kysely)).rows[0]?.hashes;
    const cp = (await sql<{ size: bigint; note: string }>`SELECT size, note FROM log_checkpoints ORDER BY size LIMIT 1 OFFSET 2`.execute(db.kysely)).rows[0];
    await run(sql`DELETE FROM log_tiles WHERE level = 0 AND idx = 0`);
    // A different root line under the same signature: the signature no longer verifies.
    await run(sql`UPDATE log_checkpoints SET note = regexp_replace(note, '\n[A-Za-z0-9+/]{43}=\n', ${'\n' + 'A'.repeat(43) + '=\n'}) WHERE size = ${cp?.size}`);
    const broken = await auditTree(db, tree, { verifiers: [verifier] });
    expect(broken.problems).toContainEqual(expect.objectContaining({ code: 'TILE_MISSING', level: 0, index: 0n }));
    expect(broken.problems).toContainEqual(expect.objectContaining({ code: 'CHECKPOINT_INVALID', size: cp?.size }));
    expect(broken.problemCount).toBe(2);
    await run(sql`INSERT INTO log_tiles (tree_id, level, idx, hashes) VALUES (${tree.treeId}, 0, 0, ${tile})`);
    await run(sql`UPDATE log_checkpoints SET note = ${cp?.note} WHERE size = ${cp?.size}`);
    const otherKey = createNoteVerifier('log.example', generatePrivateKey('ecdsa-p256'));
    const unverified = await auditTree(db, tree, { verifiers: [otherKey] });
    expect(unverified.signatures).toBe(0);
    expect(unverified.problemCount).toBe(unverified.checkpoints + 1); // and the integration row's note
    expect(new Set(codes(unverified))).toEqual(new Set(['CHECKPOINT_INVALID']));
  });

  it('finds entries and tiles gone from a tree', async () => {
    await run(sql`DELETE FROM log_entries WHERE idx >= 575`);
    const report = await auditTree(db, tree, { verifiers: [verifier] });
    expect(report.entries).toBe(575n);
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'ENTRY_MISSING', index: 575n }));
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'INTEGRATION_MISMATCH', size: BigInt(ENTRIES) }));
    expect(codes(report)).toContain('CHECKPOINT_BEYOND_ENTRIES');
    // The stored partial tiles are wider than what the remaining entries rebuild.
    expect(report.problems).toContainEqual(expect.objectContaining({ code: 'TILE_EXTRA', level: 0, index: 2n }));
  });
});
