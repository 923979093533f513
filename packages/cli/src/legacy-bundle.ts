// cosign's legacy image signatures (the `.sig`/`.att` tag layers) as Sigstore bundles, so that one verifier checks
// every signature of an image. The mapping is the one cosign itself makes when it reads a legacy signature into
// sigstore-go (cosign pkg/cosign/verify.go at v2.6.5, and sigstore-js's own v0.1 bundles): the payload and its
// signature, or the DSSE envelope; the leaf certificate; one tlog entry from the Rekor bundle annotation, proven by
// its SET (`inclusionPromise`), which is exactly what v0.1 bundles carry; the RFC 3161 timestamp if there is one.
import crypto from 'node:crypto';
import { BaseError, fromPem } from '@sigbox/core';
import type { LegacySignature } from '@sigbox/oci';

/** The v0.1 media type: the one bundle version whose tlog entries may be proven by a SET alone. */
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

/** A legacy layer that cannot be a bundle: no certificate (a key-signed signature names no identity), or no Rekor bundle. */
export class LegacySignatureError extends BaseError<'NO_CERTIFICATE' | 'NOT_LOGGED'> {}

/** The bundle JSON and, for a `.sig` layer, the artifact its signature covers (the simple-signing payload). */
export function legacyToBundle(sig: LegacySignature): { bundle: unknown; artifact: Uint8Array | undefined } {
  if (sig.certificatePem === undefined) throw new LegacySignatureError('NO_CERTIFICATE', 'no certificate annotation: a key-signed signature names no identity');
  if (sig.rekorBundle === undefined) throw new LegacySignatureError('NOT_LOGGED', 'no Rekor bundle annotation: the signature is not proven logged');
  const { Payload, SignedEntryTimestamp } = sig.rekorBundle;
  const body = JSON.parse(Buffer.from(Payload.body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
  const tlogEntry = {
    logIndex: String(Payload.logIndex),
    logId: { keyId: Buffer.from(Payload.logID, 'hex').toString('base64') },
    kindVersion: { kind: body.kind ?? '', version: body.apiVersion ?? '' },
    integratedTime: String(Payload.integratedTime),
    inclusionPromise: { signedEntryTimestamp: SignedEntryTimestamp },
    canonicalizedBody: Payload.body,
  };
  const verificationMaterial = {
    x509CertificateChain: { certificates: [{ rawBytes: Buffer.from(fromPem(sig.certificatePem)).toString('base64') }] },
    tlogEntries: [tlogEntry],
    timestampVerificationData: { rfc3161Timestamps: timestampsOf(sig.rfc3161Timestamp) },
  };
  if (sig.kind === 'att') {
    const envelope = JSON.parse(Buffer.from(sig.payload).toString('utf8')) as unknown;
    return { bundle: { mediaType: BUNDLE_V01, verificationMaterial, dsseEnvelope: envelope }, artifact: undefined };
  }
  const digest = crypto.createHash('sha256').update(sig.payload).digest('base64');
  return {
    bundle: { mediaType: BUNDLE_V01, verificationMaterial, messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest }, signature: sig.signature } },
    artifact: sig.payload,
  };
}

/** cosign's timestamp annotation: `{"SignedRFC3161Timestamp": "<base64 DER>"}` (cosign pkg/cosign/bundle/tsa.go). */
function timestampsOf(annotation: string | undefined): Array<{ signedTimestamp: string }> {
  if (annotation === undefined) return [];
  const { SignedRFC3161Timestamp } = JSON.parse(annotation) as { SignedRFC3161Timestamp?: string };
  return SignedRFC3161Timestamp === undefined ? [] : [{ signedTimestamp: SignedRFC3161Timestamp }];
}
