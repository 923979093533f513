import type { KeyObject } from 'node:crypto';
import { bytesEqual, encoding } from '@sigbox/core';
import { EMPTY_ROOT, type VerifiedCheckpoint, hashLeaf, isValidInclusion } from '@sigbox/merkle';
import { digestOfBody } from './crash-entries.js';
import { type FinalTree, getJson, openLogCheckpoint, provesConsistent } from './crash-tree.js';
import type { AckedEntry, WriteOutcomes } from './crash-writers.js';

/** Parallel reads against one surviving process: quick, without flooding it. */
const READ_CONCURRENCY = 16;

/**
 * The final tree itself: every leaf distinct, every artifact at most once; acknowledged and 409-answered
 * entries exactly once, each acknowledged one at the index its 201 named; in-doubt ones at most once.
 * Returns one line per problem (empty when all is well) and how many in-doubt entries made it in.
 */
export function checkTree(tree: FinalTree, outcomes: WriteOutcomes): { problems: string[]; inDoubtLogged: number } {
  const problems: string[] = [];
  const leaves = new Set(tree.leafHashes.map((h) => encoding.toHex(h)));
  if (leaves.size !== tree.leafHashes.length) problems.push(`${tree.leafHashes.length - leaves.size} repeated leaf hashes`);
  const where = new Map<string, number[]>();
  tree.bodies.forEach((body, i) => where.set(digestOfBody(body), [...(where.get(digestOfBody(body)) ?? []), i]));
  for (const [digest, at] of where) if (at.length > 1) problems.push(`artifact ${digest} at indices ${at.join(', ')}`);
  for (const a of outcomes.acked) {
    const at = where.get(a.digest) ?? [];
    if (at.length !== 1 || at[0] !== a.logIndex) problems.push(`acknowledged ${a.digest} (index ${a.logIndex}) found at [${at.join(', ')}]`);
    else if (encoding.toBase64(tree.bodies[a.logIndex] as Uint8Array) !== a.body) problems.push(`index ${a.logIndex} holds another body than acknowledged`);
  }
  for (const d of outcomes.duplicates) if ((where.get(d) ?? []).length !== 1) problems.push(`409-answered ${d} not in the tree exactly once`);
  const inDoubtLogged = outcomes.inDoubt.filter((d) => where.has(d)).length;
  if (!bytesEqual(tree.recomputedRoot, tree.checkpoint.rootHash)) problems.push('root recomputed from the leaves differs from the checkpoint');
  return { problems, inDoubtLogged };
}

/** Each 201's inclusion proof verifies against the (verified) checkpoint it came with; those join `seen`. */
export function checkAcked(acked: readonly AckedEntry[], logKey: KeyObject, seen: Set<string>): string[] {
  const problems: string[] = [];
  for (const a of acked) {
    const proof = a.inclusionProof;
    seen.add(proof.checkpoint);
    const cp = openLogCheckpoint(proof.checkpoint, logKey);
    if (cp.size !== BigInt(proof.treeSize) || encoding.toHex(cp.rootHash) !== proof.rootHash || proof.logIndex !== a.logIndex) {
      problems.push(`${a.uuid}: the proof's index, size or root differs from the entry or its checkpoint`);
    }
    const hashes = proof.hashes.map((h) => encoding.fromHex(h));
    if (!isValidInclusion(BigInt(a.logIndex), cp.size, hashLeaf(encoding.fromBase64(a.body)), hashes, cp.rootHash)) {
      problems.push(`${a.uuid}: inclusion proof does not verify`);
    }
  }
  return problems;
}

/**
 * GET /api/v1/log/entries?logIndex=i for every index of the final tree: the body is the one at i in the entry
 * bundles, the entry ID ends in its leaf hash, and the inclusion proof verifies against the final checkpoint.
 */
export async function checkEntriesByIndex(url: string, tree: FinalTree, logKey: KeyObject): Promise<string[]> {
  const problems: string[] = [];
  await forEachLimited([...tree.bodies.keys()], async (i) => {
    const got = await getJson<Record<string, EntryByIndex>>(`${url}/api/v1/log/entries?logIndex=${i}`);
    const [uuid = '', entry] = Object.entries(got)[0] ?? [];
    const body = tree.bodies[i] as Uint8Array;
    const leaf = tree.leafHashes[i] as Uint8Array;
    if (entry?.body !== encoding.toBase64(body) || entry.logIndex !== i || !uuid.endsWith(encoding.toHex(leaf))) {
      problems.push(`logIndex=${i} serves another entry than the tree holds there`);
      return;
    }
    const proof = entry.verification.inclusionProof;
    const cp = openLogCheckpoint(proof.checkpoint, logKey);
    if (cp.size !== tree.checkpoint.size || !isValidInclusion(BigInt(i), cp.size, leaf, proof.hashes.map((h) => encoding.fromHex(h)), cp.rootHash)) {
      problems.push(`logIndex=${i}: inclusion proof does not verify against the final checkpoint`);
    }
  });
  return problems;
}

interface EntryByIndex {
  body: string;
  logIndex: number;
  verification: { inclusionProof: { checkpoint: string; hashes: string[] } };
}

/** Every checkpoint seen verifies, one root per size, and the log proves each consistent with the final tree. */
export async function checkCheckpoints(url: string, seen: Set<string>, final: VerifiedCheckpoint, logKey: KeyObject): Promise<string[]> {
  const problems: string[] = [];
  const bySize = new Map<bigint, VerifiedCheckpoint>();
  for (const note of seen) {
    const cp = openLogCheckpoint(note, logKey); // throws on a bad signature: that is a failure too
    const other = bySize.get(cp.size);
    if (other && !bytesEqual(other.rootHash, cp.rootHash)) problems.push(`two roots for size ${cp.size}`);
    if (cp.origin !== final.origin) problems.push(`checkpoint of size ${cp.size} has origin ${cp.origin}`);
    if (cp.size > final.size) problems.push(`checkpoint of size ${cp.size} is beyond the final size ${final.size}`);
    bySize.set(cp.size, cp);
  }
  await forEachLimited([...bySize.values()], async (cp) => {
    const ok = cp.size === 0n ? bytesEqual(cp.rootHash, EMPTY_ROOT) : await provesConsistent(url, cp, final);
    if (!ok) problems.push(`checkpoint of size ${cp.size} is not consistent with the final tree`);
  });
  return problems;
}

async function forEachLimited<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
}
