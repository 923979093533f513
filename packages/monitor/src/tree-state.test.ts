import { encoding } from '@sigbox/core';
import { buildTilesLogTree } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { EMPTY_TREE, appendLeaves, treeStateFromJson, treeStateToJson } from './tree-state.js';
import { hashLeaf } from '@sigbox/merkle';

const entries = (n: number, tag = 'e') => Array.from({ length: n }, (_, i) => encoding.utf8(`${tag}${i}`));

describe('tree state', () => {
  it('rebuilds the root of any size from batches of any shape, equal to a tree built whole', () => {
    for (const [n, batch] of [[1, 1], [255, 7], [256, 256], [257, 100], [70_000, 4_099], [65_537, 65_536]] as const) {
      const all = entries(n);
      let state = EMPTY_TREE;
      for (let at = 0; at < n; at += batch) state = appendLeaves(state, all.slice(at, at + batch).map(hashLeaf));
      const whole = buildTilesLogTree(all);
      expect(state.size).toBe(BigInt(n));
      expect(encoding.toHex(state.rootHash)).toBe(encoding.toHex(whole.rootHash));
      // The edge is small: one partial tile per level.
      expect(state.edge.length).toBeLessThanOrEqual(3);
    }
  });

  it('survives its JSON form and refuses an edge that does not fit the size', () => {
    const state = appendLeaves(EMPTY_TREE, entries(70_000).map(hashLeaf));
    const back = treeStateFromJson(JSON.parse(JSON.stringify(treeStateToJson(state))));
    const more = entries(10, 'x').map(hashLeaf);
    expect(encoding.toHex(appendLeaves(back, more).rootHash)).toBe(encoding.toHex(appendLeaves(state, more).rootHash));
    const json = treeStateToJson(state);
    expect(() => treeStateFromJson({ ...json, size: '70001' })).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});
