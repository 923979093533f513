import type { Database } from '@sigbox/db';
import { formatVerifierKey } from '@sigbox/merkle';
import type { Logger } from 'pino';
import type { LogMetrics } from '../log-metrics.js';
import type { BoxKeys } from '../trust/box-keys.js';
import { registerFirstKey } from '../trust/trust-keys.js';
import { type RekorV2Setup, type RekorV2Witnesses, openRekorV2 } from './open-rekor-v2.js';

export interface MountRekorV2Options {
  db: Database;
  keys: BoxKeys;
  hostname: string;
  metrics: LogMetrics;
  logger: Logger;
  /** The witnesses each new checkpoint goes to (`--witness-policy`), if any. */
  witnesses?: RekorV2Witnesses | undefined;
}

/**
 * The Rekor v2 log of a box whose keyring has a `rekor-v2` key (`sigbox init` and the development keyring make
 * one; an HSM ceremony does not yet): its tree opened, its key recorded in the trust history (role `rekor-v2`, key
 * ID = hex of the C2SP key ID, material = the public key PEM) so trusted_root.json lists it. Undefined without a key.
 */
export async function mountRekorV2(options: MountRekorV2Options): Promise<RekorV2Setup | undefined> {
  const { keys, db, logger } = options;
  if (!keys.source.keyring.keys.some((k) => k.role === 'rekor-v2')) return undefined;
  const key = await keys.signingKey(keys.newest('rekor-v2').name);
  const setup = await openRekorV2({
    db,
    hostname: options.hostname,
    metrics: options.metrics,
    key,
    witnesses: options.witnesses,
    // The witnessing loop already says which witness is short, once; per entry this is detail.
    onWitnessingFailed: (err) => logger.debug({ err }, 'Rekor v2: no usable witnessed checkpoint, answering the log’s own'),
  });
  await registerFirstKey(db, { role: 'rekor-v2', key_id: setup.logId, key_name: key.entry.name, material: key.entry.publicKey, tree_id: setup.treeId, valid_from: setup.validFrom }).catch(async (err: unknown) => {
    await setup.close();
    throw err;
  });
  // What an operator registers with each witness (`witnessctl add-log -origin`, `add-key -key`).
  logger.info({ origin: setup.origin, vkey: formatVerifierKey(setup.origin, key.signer.publicKey) }, 'Rekor v2 log');
  return setup;
}
