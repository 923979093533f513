import type { KeyObject } from 'node:crypto';
import { encoding } from '@sigbox/core';
import {
  TILE_WIDTH,
  type VerifiedCheckpoint,
  createMemoryTileStore,
  createNoteVerifier,
  entryBundlePath,
  hashLeaf,
  integrate,
  isValidConsistency,
  openCheckpoint,
  parseEntryBundle,
} from '@sigbox/merkle';

/** The Rekor v1 signature name is the hostname of the public URL (rekor `pkg/api/tlog.go`); here 127.0.0.1. */
export const LOG_HOSTNAME = '127.0.0.1';

/** Verifies a v1 checkpoint the way rekor's SignedNote.Verify does: our key only, no other signature line. */
export function openLogCheckpoint(note: string, logKey: KeyObject): VerifiedCheckpoint {
  return openCheckpoint(note, [createNoteVerifier(LOG_HOSTNAME, logKey)], { rekorV1Strict: true });
}

/** The whole tree as one process serves it: its verified checkpoint and every entry body in index order. */
export interface FinalTree {
  checkpoint: VerifiedCheckpoint;
  bodies: Uint8Array[];
  leafHashes: Uint8Array[];
  /** The root recomputed here from all leaf hashes (must equal the checkpoint's). */
  recomputedRoot: Uint8Array;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Reads the tree through the C2SP tlog-tiles entry bundles (one request per 256 entries) rather than entry by
 * entry, and recomputes its root from the leaves with @sigbox/merkle's integrate, independent of stored tiles.
 */
export async function readFinalTree(url: string, logKey: KeyObject): Promise<FinalTree> {
  const info = await getJson<{ signedTreeHead: string }>(`${url}/api/v1/log`);
  const checkpoint = openLogCheckpoint(info.signedTreeHead, logKey);
  const bodies: Uint8Array[] = [];
  for (let index = 0n; index * BigInt(TILE_WIDTH) < checkpoint.size; index++) {
    const width = Number(min(checkpoint.size - index * BigInt(TILE_WIDTH), BigInt(TILE_WIDTH)));
    const res = await fetch(`${url}/api/v1/log/tiles/${entryBundlePath(index, width)}`);
    if (res.status !== 200) throw new Error(`entry bundle ${index}.p/${width}: ${res.status}`);
    bodies.push(...parseEntryBundle(new Uint8Array(await res.arrayBuffer())));
  }
  const leafHashes = bodies.map((b) => hashLeaf(b));
  const store = createMemoryTileStore();
  const recomputedRoot = integrate(0n, leafHashes, store.readTile).root;
  return { checkpoint, bodies, leafHashes, recomputedRoot };
}

/** Whether the log proves `older` (size ≥ 1) consistent with `final`, checked here with isValidConsistency. */
export async function provesConsistent(url: string, older: VerifiedCheckpoint, final: VerifiedCheckpoint): Promise<boolean> {
  const proof = await getJson<{ rootHash: string; hashes: string[] }>(`${url}/api/v1/log/proof?firstSize=${older.size}&lastSize=${final.size}`);
  if (proof.rootHash !== encoding.toHex(final.rootHash)) return false;
  const hashes = proof.hashes.map((h) => encoding.fromHex(h));
  return isValidConsistency(older.size, final.size, hashes, older.rootHash, final.rootHash);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
