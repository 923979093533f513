import { encoding } from '@sigbox/core';
import { EMPTY_ROOT, type Tile, integrate, tileFromBytes, tileToBytes, tilesNeededForAppend } from '@sigbox/merkle';
import { MonitorError } from './error.js';

/**
 * The monitor's own copy of a tree: its size, root and right edge (the partial tile of every level, C2SP
 * tlog-tiles), which is all `integrate` needs to append the next leaves and compute the next root. Appending every
 * new leaf to it and comparing the root with the next checkpoint proves in one step that the new checkpoint is
 * consistent with this one AND that every entry read is in it, without trusting any proof the log serves.
 * At most 255 hashes per level: a few KiB for any real log.
 */
export interface TreeState {
  readonly size: bigint;
  readonly rootHash: Uint8Array;
  /** tilesNeededForAppend(size), each exactly as wide as the tree makes it. */
  readonly edge: readonly Tile[];
}

export const EMPTY_TREE: TreeState = { size: 0n, rootHash: new Uint8Array(EMPTY_ROOT), edge: [] };

/** Appends leaf hashes (RFC 6962 §2.1 `0x00 ‖ entry`, already hashed) and returns the new state; pure. */
export function appendLeaves(state: TreeState, leafHashes: readonly Uint8Array[]): TreeState {
  if (leafHashes.length === 0) return state;
  const old = new Map(state.edge.map((t) => [`${t.level}/${t.index}`, t]));
  const result = integrate(state.size, leafHashes, (level, index) => old.get(`${level}/${index}`));
  const fresh = new Map(result.tiles.map((t) => [`${t.level}/${t.index}`, t]));
  const edge = tilesNeededForAppend(result.size).map((id) => {
    const tile = fresh.get(`${id.level}/${id.index}`) ?? old.get(`${id.level}/${id.index}`);
    if (tile === undefined) throw new MonitorError('INVALID_STATE', `edge tile ${id.level}/${id.index} missing after append`);
    // A tile array may be shared with integrate's later writes: keep a copy of exactly this width.
    return { level: id.level, index: id.index, hashes: tile.hashes.slice(0, id.width) };
  });
  return { size: result.size, rootHash: result.root, edge };
}

/** The JSON form kept on disk or in the database: decimal size, base64 hashes. */
export interface TreeStateJson {
  size: string;
  rootHash: string;
  edge: Array<{ level: number; index: string; hashes: string }>;
}

export function treeStateToJson(state: TreeState): TreeStateJson {
  return {
    size: state.size.toString(),
    rootHash: encoding.toBase64(state.rootHash),
    edge: state.edge.map((t) => ({ level: t.level, index: t.index.toString(), hashes: encoding.toBase64(tileToBytes(t)) })),
  };
}

export function treeStateFromJson(json: TreeStateJson): TreeState {
  try {
    const size = BigInt(json.size);
    const rootHash = encoding.fromBase64(json.rootHash);
    const edge = json.edge.map((t) => tileFromBytes(t.level, BigInt(t.index), encoding.fromBase64(t.hashes)));
    const expected = tilesNeededForAppend(size);
    const fits = expected.length === edge.length && expected.every((id, i) => edge[i]?.level === id.level && edge[i]?.index === id.index && edge[i]?.hashes.length === id.width);
    if (size < 0n || rootHash.length !== 32 || !fits) throw new Error('edge does not match the size');
    return { size, rootHash, edge };
  } catch (cause) {
    throw new MonitorError('INVALID_STATE', 'tree state does not parse', { cause });
  }
}
