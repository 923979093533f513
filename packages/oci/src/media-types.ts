/** OCI image-spec v1.1 media-types.md and the Docker v2 schema 2 types registries still serve. */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  /** The OCI empty descriptor's type (image-spec manifest.md "Guidance for an Empty Descriptor"). */
  empty: 'application/vnd.oci.empty.v1+json',
  /** Sigstore bundle v0.3 as an OCI artifact (sigstore/cosign specs/BUNDLE_SPEC.md; protobuf-specs bundle media type). */
  sigstoreBundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  /** cosign's legacy signature payload and attestation layers (cosign pkg/types/media.go). */
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
} as const;

/** Every manifest kind this client reads, for `Accept` (distribution-spec: a registry answers in one of them). */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerManifestList].join(', ');

/** Every Sigstore bundle media type: `application/vnd.dev.sigstore.bundle+json;version=0.x` and `….bundle.v0.x+json`. */
export function isSigstoreBundleMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && /^application\/vnd\.dev\.sigstore\.bundle(?:\.v0\.\d+)?\+json(?:;\s*version=0\.\d+)?$/.test(mediaType);
}
