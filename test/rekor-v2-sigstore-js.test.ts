// sigstore-js (@sigstore/verify 4.x) verifying bundles built from our v2 answers: it opens the checkpoint with the
// trusted root's v2 tlog (key hint = logId.keyId[0:4], signature name within baseUrl), checks the inclusion proof
// and compares the leaf (hashedrekord 0.0.2 / dsse 0.0.2) with the bundle's signature and digest. Key-signed bundles
// without timestamps (v2 entries carry none; the TSA is another engineer's part), so timestampThreshold 0.
import crypto from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, spkiDer } from '@sigbox/core';
import type { TransparencyLogEntryJson } from '@sigbox/rekor';
import { STATEMENT, dsseEnvelope, dsseV2Request, hashedRekordV2Request, testKey } from '@sigbox/testkit';
import { buildTrustedRoot, serializeTrustDocument, transparencyLogInstance } from '@sigbox/trust';
import { type RekorV2Harness, V2_ORIGIN, startRekorV2 } from './helpers/rekor-v2.js';

const HINT = 'sigbox-v2-test-key';
const signer = testKey('ecdsa-p256');

describe('sigstore-js verifies bundles from Rekor v2 answers', () => {
  let v2: RekorV2Harness;
  let verifier: Verifier;
  beforeAll(async () => {
    v2 = await startRekorV2('pglite');
    const root = buildTrustedRoot({
      tlogs: [transparencyLogInstance({ baseUrl: `https://${V2_ORIGIN}`, publicKey: v2.publicKey, validFrom: new Date(Date.now() - 60_000), keyId: v2.log.logId })],
      ctlogs: [],
      certificateAuthorities: [],
    });
    const keys = { [HINT]: { rawBytes: Buffer.from(spkiDer(signer.publicKey)), keyDetails: 5 /* PKIX_ECDSA_P256_SHA_256 */, validFor: { start: new Date(0) } } };
    const trustedRoot = TrustedRoot.fromJSON(JSON.parse(serializeTrustDocument(root)));
    verifier = new Verifier(toTrustMaterial(trustedRoot, keys as never), { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 });
  });
  afterAll(() => v2.close());

  const post = async (body: object) => (await request(v2.app).post('/api/v2/log/entries').send(body).expect(201)).body as TransparencyLogEntryJson;
  const verificationMaterial = (tle: TransparencyLogEntryJson) => ({ publicKey: { hint: HINT }, tlogEntries: [tle], timestampVerificationData: { rfc3161Timestamps: [] } });

  it('a message signature (hashedrekord 0.0.2)', async () => {
    const artifact = Buffer.from(`sigstore-js v2 ${Math.random()}`);
    const body = hashedRekordV2Request(signer, artifact);
    const tle = await post(body);
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: verificationMaterial(tle),
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: body.hashedRekordRequestV002.digest }, signature: body.hashedRekordRequestV002.signature.content },
    };
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact))).not.toThrow();
    // The same bundle with another entry's proof, or a leaf of another signature, fails.
    const other = await post(hashedRekordV2Request(signer, Buffer.from('another')));
    const swapped = { ...bundle, verificationMaterial: verificationMaterial({ ...tle, canonicalizedBody: other.canonicalizedBody }) };
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(swapped), artifact))).toThrow();
  });

  it('a DSSE envelope (dsse 0.0.2, as sigstore-js sends it)', async () => {
    const envelope = dsseEnvelope('application/vnd.in-toto+json', encoding.utf8(JSON.stringify({ ...STATEMENT, nonce: crypto.randomUUID() })), [signer]);
    const tle = await post(dsseV2Request(envelope, [signer]));
    const bundle = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: verificationMaterial(tle), dsseEnvelope: envelope };
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundle)))).not.toThrow();
  });

  it('refuses a checkpoint the trusted root does not vouch for', async () => {
    const artifact = Buffer.from(`untrusted ${Math.random()}`);
    const body = hashedRekordV2Request(signer, artifact);
    const other = await startRekorV2('pglite');
    try {
      const tle = (await request(other.app).post('/api/v2/log/entries').send(body).expect(201)).body as TransparencyLogEntryJson;
      const bundle = {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: verificationMaterial({ ...tle, logId: { keyId: encoding.toBase64(v2.log.logId) } }),
        messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: body.hashedRekordRequestV002.digest }, signature: body.hashedRekordRequestV002.signature.content },
      };
      expect(() => verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact))).toThrow(/checkpoint/);
    } finally {
      await other.close();
    }
  });
});
