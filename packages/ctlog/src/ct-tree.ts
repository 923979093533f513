import { type CheckpointKey, type TreeDescription, type TreeEngineOptions, checkpointPublicKey } from '@sigbox/log';
import { checkLogKey } from './digitally-signed.js';

/** The tree's name in the log engine's database. */
export const CT_TREE_NAME = 'ct';
/**
 * The CA's SCTs wait only for sequencing, so the CT tree integrates at most 20 times a second under load: a round
 * costs the same whatever it integrates (bench/ca). add-chain answers, and STHs, wait up to this much longer.
 */
export const DEFAULT_CT_INTEGRATION_INTERVAL_MS = 50;

export interface CtTreeOptions {
  /** Hostname of the public URL: the engine's checkpoints are signed as origin `<hostname>/ct`. */
  hostname: string;
  /** The CT log key (ECDSA P-256), which also signs SCTs and STHs (as the `signer` of `createCtLog`). */
  key: CheckpointKey;
  /** The tree's name; default `ct`. A rotated CT key gets a tree of its own (the old one stays readable, frozen). */
  name?: string;
}

/**
 * The CT tree as the engine is to open it, with the integration pace its writers can afford (SCTs wait only for
 * sequencing). CT clients read STHs, not checkpoints; the engine still signs one per size, with the CT key
 * under the origin `<hostname>/ct`.
 */
export function ctTreeDescription(options: CtTreeOptions): TreeDescription & Required<Pick<TreeEngineOptions, 'integrationIntervalMs'>> {
  checkLogKey(checkpointPublicKey(options.key));
  const origin = `${options.hostname}/ct`;
  return {
    name: options.name ?? CT_TREE_NAME,
    origin: () => origin,
    signers: [{ ...options.key, name: origin }],
    integrationIntervalMs: DEFAULT_CT_INTEGRATION_INTERVAL_MS,
  };
}
