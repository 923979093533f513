import type { KeyObject } from 'node:crypto';
import { createKeySigner } from '@sigbox/core';
import { type LogTree, type TreeEngineOptions, openLogTree } from '@sigbox/log';
import { type TestCa, createTestCa } from '@sigbox/testkit';
import { type CtLog, type CtLogOptions, createCtLog } from '../ct-log.js';
import { ctTreeDescription } from '../ct-tree.js';

export const CT_HOSTNAME = 'ct.sigbox.test';

/** The database a tree is opened on (a test's own, which the harness closes). */
type TreeDatabase = Parameters<typeof openLogTree>[0];

/** A CT log opened as the server opens it — the tree first, then the log on it — with a CA whose root it accepts. */
export interface CtLogHarness {
  readonly ca: TestCa;
  readonly tree: LogTree;
  readonly log: CtLog;
  /**
   * Another handle on the same tree, as a second process would open it, with other engine settings or log
   * options; closed with the harness.
   */
  open(engine: TreeEngineOptions, options?: Partial<Pick<CtLogOptions, 'clock' | 'sctTimeoutMs'>>): Promise<{ tree: LogTree; log: CtLog }>;
  close(): Promise<void>;
}

/** The log key is given as a KeyObject in memory, as the server loads it: on PostgreSQL the tree's writer thread runs. */
export async function startCtLog(db: TreeDatabase, privateKey: KeyObject): Promise<CtLogHarness> {
  const ca = await createTestCa();
  const signer = createKeySigner(privateKey);
  const trees: LogTree[] = [];
  async function open(engine: TreeEngineOptions, logOptions: Partial<Pick<CtLogOptions, 'clock' | 'sctTimeoutMs'>> = {}) {
    const tree = await openLogTree(db, { ...ctTreeDescription({ hostname: CT_HOSTNAME, key: { privateKey } }), ...engine });
    trees.push(tree);
    return { tree, log: createCtLog({ ...logOptions, tree, signer, roots: [ca.root.der] }) };
  }
  // A short linger: each test waits for its own entries only.
  const { tree, log } = await open({ batchMaxAgeMs: 5 });
  return {
    ca,
    tree,
    log,
    open,
    async close() {
      for (const opened of trees) await opened.close();
      await db.close();
    },
  };
}
