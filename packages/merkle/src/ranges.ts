import { bitLength, largestPowerOfTwoBelow } from './safe-int.js';
import { TILE_HEIGHT, TILE_WIDTH, tileWidth, type TileId } from './tile.js';

/** A leaf range [start, end): every proof element is MTH of one (RFC 6962 §2.1.1–2.1.2, PATH and SUBPROOF). */
export type LeafRange = readonly [start: number, end: number];
/** A perfect subtree: tree level (height) and index at that level. */
export type NodeId = readonly [level: number, index: number];

/** RFC 6962 §2.1.1 PATH(m, D[0:size]) as the ranges it hashes, ordered leaf → root (requires m < size). */
export function inclusionRanges(m: number, size: number): LeafRange[] {
  const out: LeafRange[] = [];
  let a = 0;
  let b = size;
  while (b - a > 1) {
    const k = largestPowerOfTwoBelow(b - a);
    if (m < a + k) {
      out.push([a + k, b]);
      b = a + k;
    } else {
      out.push([a, a + k]);
      a += k;
    }
  }
  return out.reverse();
}

/** RFC 6962 §2.1.2 PROOF(m, D[0:n]) / SUBPROOF as ranges, in proof order (requires 0 < m ≤ n). */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  const out: LeafRange[] = [];
  let a = 0;
  let b = n;
  let complete = true; // SUBPROOF's b flag: is [a, b) a subtree the verifier already knows (the old root)?
  while (m !== b) {
    const k = largestPowerOfTwoBelow(b - a);
    if (m <= a + k) {
      out.push([a + k, b]);
      b = a + k;
    } else {
      out.push([a, a + k]);
      a += k;
      complete = false;
    }
  }
  if (!complete) out.push([a, b]);
  return out.reverse();
}

/**
 * The perfect subtrees whose right fold is MTH(D[a:b]): the RFC recursion only meets ranges where `a` is a
 * multiple of the largest power of two in b − a, so [a, b) splits by the bits of b − a, largest first.
 */
export function rangeNodes(a: number, b: number): NodeId[] {
  const out: NodeId[] = [];
  for (let start = a; start < b; ) {
    const span = 2 ** (bitLength(b - start) - 1); // one iteration per set bit of b − a
    out.push([bitLength(span) - 1, start / span]);
    start += span;
  }
  return out;
}

/** The tile holding perfect node (level, index): tile level ⌊level/8⌋, covering 256 hashes of level 8·L. */
export function nodeTile(level: number, index: number): { level: number; index: number } {
  const r = level % TILE_HEIGHT;
  return { level: (level - r) / TILE_HEIGHT, index: Math.floor((index * 2 ** r) / TILE_WIDTH) };
}

/** Distinct tiles (with their width at `size`) holding the nodes of `ranges`: what storage must prefetch. */
export function tilesForRanges(ranges: readonly LeafRange[], size: number): TileId[] {
  const seen = new Map<string, TileId>();
  for (const [a, b] of ranges) {
    for (const [level, index] of rangeNodes(a, b)) {
      const tile = nodeTile(level, index);
      const key = `${tile.level}/${tile.index}`;
      if (seen.has(key)) continue;
      const id = BigInt(tile.index);
      seen.set(key, { level: tile.level, index: id, width: tileWidth(tile.level, id, BigInt(size)) });
    }
  }
  return [...seen.values()];
}
