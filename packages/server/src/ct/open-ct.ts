import { encoding, sha256, spkiDer, toPem } from '@sigbox/core';
import { type CtLog, createCtLog, ctTreeDescription } from '@sigbox/ctlog';
import type { Database } from '@sigbox/db';
import type { OpenedKey } from '@sigbox/keyring';
import { type LogTree, openLogTree } from '@sigbox/log';
import type { LogMetrics } from '../log-metrics.js';
import { bindKeyToTree } from '../log-setup.js';

/** One CT key's tree, and the log over it (rebuilt when the accepted roots change). */
export interface CtSetup {
  readonly tree: LogTree;
  readonly treeId: bigint;
  /** Hex SHA-256 of the key's SPKI: the RFC 6962 log ID. */
  readonly logId: string;
  readonly publicKeyPem: string;
  /** When the key first served this tree (its `validFor.start`). */
  readonly validFrom: Date;
  /** The CT log over this tree accepting certificates under `roots` (the CA roots, every one still trusted). */
  logFor(roots: readonly Uint8Array[]): CtLog;
  close(): Promise<void>;
}

export interface CtSetupOptions {
  db: Database;
  key: OpenedKey;
  hostname: string;
  metrics: LogMetrics;
  /** The tree's name: `ct` for the first key, another for each rotated one (`ctTreeName`). */
  treeName?: string;
}

/** The tree of a rotated CT key: its own, named after the key (the first key's tree keeps the name `ct`). */
export const ctTreeName = (logId: string) => `ct-${logId.slice(0, 16)}`;

/**
 * Opens the CT log that the CA logs every precertificate in: its key from the keyring and its own tree on the
 * shared engine. Like the Rekor log, a key that is not the tree's key is refused at start.
 */
export async function openCt(options: CtSetupOptions): Promise<CtSetup> {
  // A file key is in this process's memory: the tree's writer thread signs with it too. An HSM key signs here.
  const { signer, privateKey } = options.key;
  const key = privateKey === undefined ? { signer } : { privateKey };
  const description = ctTreeDescription({ hostname: options.hostname, key, ...(options.treeName === undefined ? {} : { name: options.treeName }) });
  const tree = await openLogTree(options.db, { ...description, ...options.metrics });
  // RFC 6962 §3.2: the log ID is the SHA-256 of the key's SPKI.
  const logId = encoding.toHex(sha256(spkiDer(signer.publicKey)));
  const validFrom = await bindKeyToTree(options.db, 'ct', tree.treeId, logId).catch(async (err: unknown) => {
    await tree.close();
    throw err;
  });
  return {
    tree,
    treeId: tree.treeId,
    logId,
    publicKeyPem: toPem('PUBLIC KEY', spkiDer(signer.publicKey)),
    validFrom,
    logFor: (roots) => createCtLog({ tree, signer, roots }),
    close: () => tree.close(),
  };
}
