// A CT entry as the certificates pages read it: the precertificate and chain back out of extra_data, the SCT time
// out of the leaf, for both entry types, from bytes encoded by @sigbox/ctlog itself.
import { encoding, sha256 } from '@sigbox/core';
import { encodeMerkleTreeLeaf, encodePrecertExtraData, encodeX509ExtraData } from '@sigbox/ctlog';
import { selfSignedCert } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { certificateEntryOf } from './explorer-ct.js';

const leaf = await selfSignedCert({ email: 'ct@example.com' });
const issuer = await selfSignedCert({ email: 'ca@example.com' });

describe('certificateEntryOf', () => {
  it('gives back the precertificate and chain of a precert entry', () => {
    const data = encodeMerkleTreeLeaf({ timestamp: 1_700_000_000_123, entry: { type: 'precert', issuerKeyHash: sha256(issuer.der), tbsCertificate: leaf.der }, extensions: new Uint8Array() });
    const extra = encodePrecertExtraData({ precertificate: leaf.der, chain: [issuer.der] });
    expect(certificateEntryOf({ idx: 7n, data, extra, integratedAt: null })).toEqual({
      leafIndex: 7,
      timestamp: 1_700_000_000_123,
      entryType: 'precert',
      certificate: encoding.toBase64(leaf.der),
      chain: [encoding.toBase64(issuer.der)],
    });
  });

  it('gives back the certificate of an x509 entry from its leaf', () => {
    const data = encodeMerkleTreeLeaf({ timestamp: 5, entry: { type: 'x509', certificate: leaf.der }, extensions: new Uint8Array() });
    const entry = certificateEntryOf({ idx: 0n, data, extra: encodeX509ExtraData([issuer.der]), integratedAt: null });
    expect(entry).toMatchObject({ entryType: 'x509', certificate: encoding.toBase64(leaf.der), chain: [encoding.toBase64(issuer.der)] });
  });
});
