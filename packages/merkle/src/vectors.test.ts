import path from 'node:path';
import { encoding } from '@sigbox/core';
import { readJsonTree, vectorsDir } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { isValidConsistency } from './verify-consistency.js';
import { isValidInclusion } from './verify-inclusion.js';

// transparency-dev/merkle testdata/ (cmd/proofgen output), read in place from the shared vectors folder.
interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyVector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

const dir = vectorsDir('merkle');
const b64 = (s: string) => encoding.fromBase64(s);

describe.skipIf(!dir)('transparency-dev/merkle vectors', () => {
  const inclusion = dir ? readJsonTree<InclusionVector>(path.join(dir, 'inclusion')) : [];
  const consistency = dir ? readJsonTree<ConsistencyVector>(path.join(dir, 'consistency')) : [];

  it('has the expected number of files, with both outcomes represented', () => {
    expect(inclusion.length + consistency.length).toBe(196);
    expect(inclusion.some(([, v]) => !v.wantErr) && inclusion.some(([, v]) => v.wantErr)).toBe(true);
    expect(consistency.some(([, v]) => !v.wantErr) && consistency.some(([, v]) => v.wantErr)).toBe(true);
  });

  it.each(inclusion)('inclusion %s', (_, v) => {
    const ok = isValidInclusion(BigInt(v.leafIdx), BigInt(v.treeSize), b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  it.each(consistency)('consistency %s', (_, v) => {
    const ok = isValidConsistency(BigInt(v.size1), BigInt(v.size2), (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    expect(ok).toBe(!v.wantErr);
  });
});
