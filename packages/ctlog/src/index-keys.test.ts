import { selfSignedCert } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { encodePrecertExtraData, encodeX509ExtraData } from './extra-data.js';
import { ctIndexKeys, ctIndexKeysOfEntry } from './index-keys.js';
import { encodeMerkleTreeLeaf } from './merkle-tree-leaf.js';

describe('ctIndexKeys', () => {
  it('keys a certificate by each SAN, lower-cased', async () => {
    expect(ctIndexKeys((await selfSignedCert({ email: 'Dev@Example.com', uri: 'https://CI.example/wf' })).der)).toEqual(['dev@example.com', 'https://ci.example/wf']);
  });

  it('keys nothing it cannot read', () => {
    expect(ctIndexKeys(Uint8Array.of(1, 2, 3))).toEqual([]);
  });

  it('keys a stored entry by the certificate it logged: the precertificate of a precert entry, the leaf certificate of an x509 one', async () => {
    const cert = await selfSignedCert({ email: 'Logged@Example.com' });
    const precert = encodeMerkleTreeLeaf({ timestamp: 1, entry: { type: 'precert', issuerKeyHash: new Uint8Array(32), tbsCertificate: Uint8Array.of(0x30, 0) }, extensions: new Uint8Array() });
    expect(ctIndexKeysOfEntry(precert, encodePrecertExtraData({ precertificate: cert.der, chain: [] }))).toEqual(['logged@example.com']);
    const x509 = encodeMerkleTreeLeaf({ timestamp: 1, entry: { type: 'x509', certificate: cert.der }, extensions: new Uint8Array() });
    expect(ctIndexKeysOfEntry(x509, encodeX509ExtraData([]))).toEqual(['logged@example.com']);
    expect(ctIndexKeysOfEntry(Uint8Array.of(9), undefined)).toEqual([]);
  });
});
