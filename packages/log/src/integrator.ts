import { EMPTY_ROOT, type NoteSigner, type Tile, integrate, signCheckpoint, tileFromBytes, tileToBytes, tilesNeededForAppend } from '@sigbox/merkle';
import { LogError } from './errors.js';
import { type LogDb, advanceIntegration, insertCheckpoint, lockIntegration, readLeafHashes, readNextIndex, readProgress, readTileRows, writeTileRows } from './storage.js';

/** The integrated state of a tree: what a checkpoint says, plus the signed note itself. */
export interface IntegratedState {
  size: bigint;
  rootHash: Uint8Array;
  /** The signed checkpoint note for `size`. */
  checkpoint: string;
}

/** What one integration transaction saw and did. */
export interface IntegrationRound extends IntegratedState {
  /** The integrated size before this round; entries in [previousSize, size) were integrated by it. */
  previousSize: bigint;
  /** When this round's checkpoint was made (the integration time of its entries). */
  createdAt: Date;
  /** Whether entries remain sequenced beyond `size` (the round was capped). */
  more: boolean;
  /** The tiles this round wrote (none when it integrated nothing). */
  tiles: readonly Tile[];
}

export interface IntegratorContext {
  db: LogDb;
  treeId: bigint;
  origin: string;
  signers: readonly NoteSigner[];
  clock: () => Date;
  /** At most this many entries per transaction, to bound memory and lock time. */
  maxPerRound: number;
}

export function signEmptyCheckpoint(origin: string, signers: readonly NoteSigner[]): Promise<{ rootHash: Uint8Array; note: string }> {
  const rootHash = new Uint8Array(EMPTY_ROOT);
  return signCheckpoint({ origin, size: 0n, rootHash }, signers).then((note) => ({ rootHash, note }));
}

/**
 * One integration round. First a plain read: when another process has already integrated everything
 * sequenced (several processes share a tree, each kicking a round after its own batches), the round ends
 * there — no row lock, no WAL record, no commit to flush. Otherwise one transaction: lock the integration row
 * (so one process integrates at a time), extend the tiles with the entries sequenced since, sign a
 * checkpoint for the new size and store it with a compare-and-swap on the old size. Commits nothing on any
 * failure.
 */
export async function integrateRound(ctx: IntegratorContext): Promise<IntegrationRound> {
  const progress = await readProgress(ctx.db, ctx.treeId);
  if (progress.nextIndex <= progress.size) {
    const { size, rootHash, checkpoint } = progress;
    return { size, rootHash, checkpoint, previousSize: size, createdAt: ctx.clock(), more: false, tiles: [] };
  }
  return ctx.db.transaction().execute(async (tx) => {
    const current = await lockIntegration(tx, ctx.treeId);
    const next = await readNextIndex(tx, ctx.treeId);
    const unchanged = { ...current, previousSize: current.size, createdAt: ctx.clock(), more: false, tiles: [] };
    if (next <= current.size) return unchanged;

    const to = next - current.size > BigInt(ctx.maxPerRound) ? current.size + BigInt(ctx.maxPerRound) : next;
    const leaves = await readLeafHashes(tx, ctx.treeId, current.size, to);
    if (BigInt(leaves.length) !== to - current.size) {
      throw new LogError('CORRUPT_STATE', `expected ${to - current.size} sequenced entries from ${current.size}, found ${leaves.length}`);
    }
    const edge = await readTileRows(tx, ctx.treeId, tilesNeededForAppend(current.size));
    const tiles = new Map<string, Tile>(edge.map((t) => [`${t.level}/${t.index}`, tileFromBytes(t.level, t.index, t.hashes)]));
    const result = integrate(current.size, leaves, (level, index) => tiles.get(`${level}/${index}`));

    const createdAt = ctx.clock();
    const note = await signCheckpoint({ origin: ctx.origin, size: result.size, rootHash: result.root }, ctx.signers);
    const state: IntegratedState = { size: result.size, rootHash: result.root, checkpoint: note };
    await writeTileRows(tx, ctx.treeId, result.tiles.map((t) => ({ level: t.level, index: t.index, hashes: tileToBytes(t) })));
    await insertCheckpoint(tx, ctx.treeId, state, createdAt);
    if (!(await advanceIntegration(tx, ctx.treeId, current.size, state))) {
      throw new LogError('CORRUPT_STATE', `integrated size moved under the lock (expected ${current.size})`);
    }
    return { ...state, previousSize: current.size, createdAt, more: to < next, tiles: result.tiles };
  });
}
