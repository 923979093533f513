import crypto from 'node:crypto';
import type { LegacySignature } from '@sigbox/oci';
import { describe, expect, it } from 'vitest';
import { LegacySignatureError, legacyToBundle } from './legacy-bundle.js';

const payload = new Uint8Array(Buffer.from('{"critical":{"image":{"docker-manifest-digest":"sha256:00"}}}'));
const body = Buffer.from(JSON.stringify({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: {} })).toString('base64');
// Any PEM block does: the mapping copies its DER, verification is @sigstore/verify's (test/interop/policy-explain.test.ts).
const certificatePem = '-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n';
const sig: LegacySignature = {
  kind: 'sig',
  layer: { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: 'sha256:ab', size: payload.length },
  payload,
  signature: 'c2ln',
  certificatePem,
  chainPem: undefined,
  rekorBundle: { SignedEntryTimestamp: 'c2V0', Payload: { body, integratedTime: 1700000000, logIndex: 7, logID: 'c0ffee' } },
  rfc3161Timestamp: JSON.stringify({ SignedRFC3161Timestamp: 'dHNh' }),
};

describe('legacyToBundle', () => {
  it('maps a .sig layer to a v0.1 message-signature bundle whose tlog entry carries the SET', () => {
    const { bundle, artifact } = legacyToBundle(sig);
    expect(artifact).toBe(payload);
    expect(bundle).toEqual({
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: { certificates: [{ rawBytes: 'AAEC' }] },
        tlogEntries: [{
          logIndex: '7', logId: { keyId: Buffer.from('c0ffee', 'hex').toString('base64') }, kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
          integratedTime: '1700000000', inclusionPromise: { signedEntryTimestamp: 'c2V0' }, canonicalizedBody: body,
        }],
        timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp: 'dHNh' }] },
      },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: crypto.createHash('sha256').update(payload).digest('base64') }, signature: 'c2ln' },
    });
  });

  it('maps an .att layer to a DSSE bundle, and refuses layers without certificate or Rekor bundle', () => {
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [{ keyid: '', sig: 'c2ln' }] };
    const att = legacyToBundle({ ...sig, kind: 'att', signature: '', payload: new Uint8Array(Buffer.from(JSON.stringify(envelope))) });
    expect(att.artifact).toBeUndefined();
    expect(att.bundle).toMatchObject({ dsseEnvelope: envelope });
    expect(() => legacyToBundle({ ...sig, certificatePem: undefined })).toThrow(expect.objectContaining({ code: 'NO_CERTIFICATE' }) as LegacySignatureError);
    expect(() => legacyToBundle({ ...sig, rekorBundle: undefined })).toThrow(expect.objectContaining({ code: 'NOT_LOGGED' }) as LegacySignatureError);
  });
});
