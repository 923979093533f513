// The v2 entries' search keys are v1's: the same /api/v1/index/retrieve-shaped query (indexQueryKeys) finds an
// entry of either log by artifact digest, by certificate SAN and by public key.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding, spkiDer, toPem } from '@sigbox/core';
import { dsseEnvelope, dsseV2Request, hashedRekordV2Request, selfSignedCert, testKey } from '@sigbox/testkit';
import { indexQueryKeys, parseCreateEntryRequest, rekorV2IndexKeysOfLeaf } from '../index.js';

const artifact = encoding.utf8('an artifact to find\n');
const digestHex = crypto.hash('sha256', artifact, 'hex');
const cert = await selfSignedCert({ email: 'Finder@Example.com' });
const p256 = testKey('ecdsa-p256');

const queryKeys = (query: Record<string, unknown>) => indexQueryKeys(query).keys;

describe('Rekor v2 index keys', () => {
  it('index a certificate entry by digest and by SAN, as v1 queries name them', async () => {
    const entry = await parseCreateEntryRequest(hashedRekordV2Request(cert.key, artifact, { certificate: cert.der }));
    expect(entry.indexKeys).toEqual(expect.arrayContaining([...queryKeys({ hash: digestHex }), ...queryKeys({ email: 'finder@example.com' })]));
    expect(entry.indexKeys).toContain(`sha256:${digestHex}`);
    expect(entry.indexKeys.every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('index a public-key entry by the key as v1 search hashes it', async () => {
    const entry = await parseCreateEntryRequest(hashedRekordV2Request(p256, artifact));
    const content = encoding.toBase64(encoding.utf8(toPem('PUBLIC KEY', spkiDer(p256.publicKey))));
    expect(entry.indexKeys).toEqual(expect.arrayContaining(queryKeys({ publicKey: { format: 'x509', content } })));
  });

  it('index a dsse entry by its payload hash and its verifiers', async () => {
    const envelope = dsseEnvelope('application/vnd.in-toto+json', encoding.utf8('{"_type":"https://in-toto.io/Statement/v1"}'), [p256]);
    const entry = await parseCreateEntryRequest(dsseV2Request(envelope, [p256]));
    const payloadHex = crypto.hash('sha256', Buffer.from(envelope.payload, 'base64'), 'hex');
    expect(entry.indexKeys[0]).toBe(`sha256:${payloadHex}`);
    expect(entry.indexKeys).toHaveLength(2);
  });

  it('are read back from a stored leaf exactly as they were made from the request (the backfill of older entries)', async () => {
    const envelope = dsseEnvelope('application/vnd.in-toto+json', encoding.utf8('{}'), [p256]);
    for (const request of [hashedRekordV2Request(cert.key, artifact, { certificate: cert.der }), hashedRekordV2Request(p256, artifact), dsseV2Request(envelope, [p256])]) {
      const entry = await parseCreateEntryRequest(request);
      expect(rekorV2IndexKeysOfLeaf(entry.leaf)).toEqual(entry.indexKeys);
    }
    expect(rekorV2IndexKeysOfLeaf(encoding.utf8('not json'))).toEqual([]);
  });
});
