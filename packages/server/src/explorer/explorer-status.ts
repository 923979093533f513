import type { explorer } from '@sigbox/api';
import type { Database } from '@sigbox/db';
import { integrationOf, sizesPerMinute } from './explorer-queries.js';

type Status = explorer.components['schemas']['Status'];

/** A tree the status page reports. */
export interface StatusTree {
  readonly name: string;
  readonly log: 'v1' | 'v2' | 'ct';
  readonly treeId: bigint;
}

/** The status page's window: six hours of minutes (360 bars), short enough to draw, long enough to see a day's shape start. */
export const STATUS_WINDOW_MINUTES = 360;

/**
 * Entries per minute over the window from the sizes checkpoints recorded: a minute without a checkpoint took no
 * entries, and each minute's count is its last size minus the size before it.
 */
export function perMinuteCounts(before: bigint, minutes: ReadonlyMap<number, bigint>, firstMinute: number, count: number): number[] {
  const out: number[] = [];
  let size = before;
  for (let m = firstMinute; m < firstMinute + count; m++) {
    const end = minutes.get(m);
    out.push(end === undefined || end < size ? 0 : Number(end - size));
    if (end !== undefined && end > size) size = end;
  }
  return out;
}

export async function explorerStatus(db: Database, trees: readonly StatusTree[], now: Date): Promise<Status> {
  const lastMinute = Math.floor(now.getTime() / 60_000);
  const firstMinute = lastMinute - STATUS_WINDOW_MINUTES + 1;
  const logs = await Promise.all(
    trees.map(async (tree) => {
      const integration = await integrationOf(db, tree.treeId);
      const { before, minutes } = await sizesPerMinute(db, tree.treeId, new Date(firstMinute * 60_000));
      return {
        name: tree.name,
        log: tree.log,
        treeSize: Number(integration?.size ?? 0n),
        checkpointTime: integration ? integration.updatedAt.toISOString() : null,
        perMinute: perMinuteCounts(before, minutes, firstMinute, STATUS_WINDOW_MINUTES),
      };
    }),
  );
  return { now: now.toISOString(), windowMinutes: STATUS_WINDOW_MINUTES, logs };
}
