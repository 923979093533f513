import { X509Certificate } from 'node:crypto';
import type { Database } from '@sigbox/db';
import { createTimestamper } from '@sigbox/tsa';
import type { Api } from '../pipeline/api.js';
import type { BoxKeys } from '../trust/box-keys.js';
import { certificateKeyId } from '../trust/rotate.js';
import { chainPemOf } from '../trust/trust-history.js';
import { type TrustKeyRow, activeKey, readTrustKeys, registerFirstKey } from '../trust/trust-keys.js';
import { createTsaApi } from './tsa-api.js';

/**
 * The TSA of a box, when its keyring has a `tsa` key (keyrings made before the TSA existed have none: no TSA is
 * served and the trust files name none). On first start the keyring's newest TSA key is recorded in the trust
 * history (role `tsa`, key id = SHA-256 of the leaf, material = the chain PEM leaf → root, valid from the leaf's
 * notBefore), so trusted_root.json lists it and a later rotation adds rows as for the CA. The chain and key are
 * checked as they are opened (checkTsaLeaf, box-keys.ts).
 */
export async function openTsa(db: Database, keys: BoxKeys): Promise<{ api: Api; rows: TrustKeyRow[] } | undefined> {
  let rows = await readTrustKeys(db);
  let row = activeKey(rows, 'tsa');
  if (row === undefined) {
    if (!keys.source.keyring.keys.some((k) => k.role === 'tsa')) return undefined;
    const name = keys.newest('tsa').name;
    const tsa = await keys.tsa(name);
    const leaf = tsa.chainDer[0] as Uint8Array;
    await registerFirstKey(db, { role: 'tsa', key_id: certificateKeyId(leaf), key_name: name, material: chainPemOf(tsa.chainDer), tree_id: null, valid_from: new Date(new X509Certificate(Buffer.from(leaf)).validFrom) });
    rows = await readTrustKeys(db);
    row = activeKey(rows, 'tsa') as TrustKeyRow;
  }
  const tsa = await keys.tsa(row.key_name);
  const timestamper = createTimestamper({ signer: tsa.key.signer, chainDer: tsa.chainDer });
  return { api: createTsaApi({ timestamper, chainPem: tsa.chainPem }), rows };
}
