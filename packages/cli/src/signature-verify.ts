// Verification of one Sigstore bundle against one instance's trusted_root.json, with @sigstore/verify: the certificate
// must chain to one of the root's CAs valid at the signing time (the tlog entry's integratedTime, or an RFC 3161
// timestamp from a trusted TSA), the signature must verify under the certificate's key, the tlog entry must be
// proven (inclusion proof against a signed checkpoint, or the v0.1 bundles' SET) by a log of the root, and the
// certificate must carry an SCT from one of its CT logs. Why a library and not our own code: these are exactly the
// checks cosign and sigstore-js make, and the repository's interop suites already hold Sigbox's output to this
// verifier (test/interop/sigstore-js.test.ts, both-generations.test.ts); a second implementation here would be a
// second thing to get wrong. The repository's own packages verify what Sigbox emits (merkle, x509), not clients' bundles.
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

/** What a verified bundle proves: who signed (the leaf certificate) and what (the DSSE payload, when it is one). */
export interface VerifiedBundle {
  readonly certificateDer: Uint8Array;
  /** The DSSE envelope's payload type and payload, for statements and attestations; undefined for message signatures. */
  readonly dsse: { readonly payloadType: string; readonly payload: Uint8Array } | undefined;
  /** The earliest verified signing time (the tlog's integratedTime or a TSA timestamp), when the bundle has one. */
  readonly signedAt: Date | undefined;
}

export interface BundleVerifier {
  /** Throws (a @sigstore/verify VerificationError, or a bundle validation error) when anything does not verify. */
  verify(bundleJson: unknown, artifact?: Uint8Array): VerifiedBundle;
}

interface BundleShape {
  verificationMaterial?: {
    certificate?: { rawBytes?: string };
    x509CertificateChain?: { certificates?: Array<{ rawBytes?: string }> };
    tlogEntries?: Array<{ integratedTime?: string }>;
  };
  dsseEnvelope?: { payload?: string; payloadType?: string };
}

function leafOf(bundle: BundleShape): Uint8Array {
  const material = bundle.verificationMaterial;
  const raw = material?.certificate?.rawBytes ?? material?.x509CertificateChain?.certificates?.[0]?.rawBytes;
  if (raw === undefined) throw new Error('the bundle has no signing certificate (a public-key bundle names no identity)');
  return new Uint8Array(Buffer.from(raw, 'base64'));
}

/**
 * A verifier for bundles against `trustedRoot` (the instance's trusted_root.json, parsed): one tlog entry and, when
 * the root lists CT logs, one SCT, as cosign and sigstore-js require by default; one verified time source.
 */
export function createBundleVerifier(trustedRoot: unknown): BundleVerifier {
  const root = TrustedRoot.fromJSON(trustedRoot);
  const verifier = new Verifier(toTrustMaterial(root), {
    tlogThreshold: 1,
    // A box run with --no-ct-log lists no CT log: its certificates carry no SCT to require.
    ctlogThreshold: root.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  });
  return {
    verify(bundleJson, artifact) {
      const bundle = bundleFromJSON(bundleJson);
      verifier.verify(toSignedEntity(bundle, artifact === undefined ? undefined : Buffer.from(artifact)));
      const shape = bundleJson as BundleShape;
      const certificateDer = leafOf(shape);
      const times = (shape.verificationMaterial?.tlogEntries ?? []).map((e) => Number(e.integratedTime ?? 0)).filter((t) => t > 0);
      const dsse = shape.dsseEnvelope;
      return {
        certificateDer,
        dsse: dsse === undefined ? undefined : { payloadType: dsse.payloadType ?? '', payload: new Uint8Array(Buffer.from(dsse.payload ?? '', 'base64')) },
        signedAt: times.length > 0 ? new Date(Math.min(...times) * 1000) : undefined,
      };
    },
  };
}

