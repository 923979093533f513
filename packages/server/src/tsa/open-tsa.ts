import { X509Certificate } from 'node:crypto';
import type { Database } from '@sigbox/db';
import { createTimestamper } from '@sigbox/tsa';
import type { Api } from '../pipeline/api.js';
import type { BoxKeys } from '../trust/box-keys.js';
import { certificateKeyId } from '../trust/rotate.js';
import { swappable } from '../trust/swappable.js';
import { chainPemOf } from '../trust/trust-history.js';
import { type TrustKeyRow, activeKey, readTrustKeys, registerFirstKey } from '../trust/trust-keys.js';
import { type TsaService, createTsaApi } from './tsa-api.js';

/** The box's TSA, following the trust history. */
export interface OpenedTsa {
  readonly api: Api;
  /** Switches to the history's newest TSA key if it is not the one signing; returns the row it replaced, if any. */
  follow(rows: readonly TrustKeyRow[]): Promise<TrustKeyRow | undefined>;
}

async function serviceFor(keys: BoxKeys, row: TrustKeyRow): Promise<TsaService> {
  const tsa = await keys.tsa(row.key_name);
  return { timestamper: createTimestamper({ signer: tsa.key.signer, chainDer: tsa.chainDer }), chainPem: tsa.chainPem };
}

/**
 * The TSA of a box, when its keyring has a `tsa` key (keyrings made before the TSA existed have none: no TSA is
 * served and the trust files name none). On first start the keyring's newest TSA key is recorded in the trust
 * history (role `tsa`, key id = SHA-256 of the leaf, material = the chain PEM leaf → root, valid from the leaf's
 * notBefore), so trusted_root.json lists it; `sigbox rotate tsa` adds rows, and `follow` switches to the newest.
 * The chain and key are checked as they are opened (checkTsaLeaf, box-keys.ts).
 */
export async function openTsa(db: Database, keys: BoxKeys): Promise<OpenedTsa | undefined> {
  let row = activeKey(await readTrustKeys(db), 'tsa');
  if (row === undefined) {
    if (!keys.source.keyring.keys.some((k) => k.role === 'tsa')) return undefined;
    const name = keys.newest('tsa').name;
    const tsa = await keys.tsa(name);
    const leaf = tsa.chainDer[0] as Uint8Array;
    await registerFirstKey(db, { role: 'tsa', key_id: certificateKeyId(leaf), key_name: name, material: chainPemOf(tsa.chainDer), tree_id: null, valid_from: new Date(new X509Certificate(Buffer.from(leaf)).validFrom) });
    row = activeKey(await readTrustKeys(db), 'tsa') as TrustKeyRow;
  }
  let current = row;
  const service = swappable(await serviceFor(keys, current));
  return {
    api: createTsaApi({ tsa: service.proxy }),
    async follow(rows) {
      const newest = activeKey(rows, 'tsa');
      if (newest === undefined || newest.key_id === current.key_id) return undefined;
      const previous = current;
      service.set(await serviceFor(keys, newest));
      current = newest;
      return previous;
    },
  };
}
