import type { Database } from '@sigbox/db';
import { loadExplorerAssets } from '@sigbox/explorer';
import { REKOR_TREE_NAME, type ShardedRekorLog } from '@sigbox/rekor';
import type { Api } from '../pipeline/api.js';
import type { RekorV2Setup } from '../rekor-v2/open-rekor-v2.js';
import { createExplorerApi } from './explorer-api.js';
import type { StatusTree } from './explorer-status.js';

export interface MountExplorerOptions {
  readonly db: Database;
  readonly rekor: ShardedRekorLog;
  readonly rekorV2: RekorV2Setup | undefined;
  /** The CT tree taking precertificates now, if the box runs a CT log. */
  readonly ctTreeId: () => bigint | undefined;
}

/** The explorer over this box's logs: every v1 shard, the v2 tree, and the CT tree for the status page. */
export function mountExplorer(options: MountExplorerOptions): Api {
  const { rekor, rekorV2 } = options;
  const v2 = rekorV2 && { treeId: rekorV2.treeId, tree: rekorV2.log.tree };
  return createExplorerApi({
    db: options.db,
    site: loadExplorerAssets(),
    v1Shards: () => rekor.ranges(),
    v2,
    ctTreeId: options.ctTreeId,
    statusTrees: () => {
      const ranges = rekor.ranges();
      const active = ranges.at(-1);
      const trees: StatusTree[] = active ? [{ name: ranges.length === 1 ? REKOR_TREE_NAME : `rekor (shard ${ranges.length})`, log: 'v1', treeId: active.treeId }] : [];
      if (v2) trees.push({ name: 'rekor-v2', log: 'v2', treeId: v2.treeId });
      const ct = options.ctTreeId();
      if (ct !== undefined) trees.push({ name: 'ct', log: 'ct', treeId: ct });
      return trees;
    },
  });
}
