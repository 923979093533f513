import type { RegistryClient } from './client.js';
import { OciError } from './error.js';
import type { Descriptor } from './manifest.js';
import { MEDIA_TYPES, isSigstoreBundleMediaType } from './media-types.js';
import type { Repository } from './reference.js';

/** cosign's layer annotations (cosign pkg/oci/static/options.go and pkg/oci/remote at v2.6.x). */
export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** cosign's legacy Rekor bundle annotation (cosign pkg/cosign/bundle/rekor.go RekorBundle): the SET and what it signs. */
export interface LegacyRekorBundle {
  readonly SignedEntryTimestamp: string;
  readonly Payload: { readonly body: string; readonly integratedTime: number; readonly logIndex: number; readonly logID: string };
}

/** One layer of a `.sig` or `.att` tag: what cosign signed and what it stored alongside. */
export interface LegacySignature {
  /** `sig` (a simple-signing payload signature) or `att` (a DSSE envelope). */
  readonly kind: 'sig' | 'att';
  readonly layer: Descriptor;
  /** The layer's bytes: the simple-signing JSON for `sig`, the DSSE envelope JSON for `att`. */
  readonly payload: Uint8Array;
  /** Base64 signature over `payload` (`sig`; empty for `att`, whose envelope carries its signatures). */
  readonly signature: string;
  readonly certificatePem: string | undefined;
  readonly chainPem: string | undefined;
  readonly rekorBundle: LegacyRekorBundle | undefined;
  /** cosign's RFC 3161 timestamp annotation as stored (JSON with a base64 SignedRFC3161Timestamp). */
  readonly rfc3161Timestamp: string | undefined;
}

/** A Sigstore bundle stored as an OCI artifact referring to the image. */
export interface ReferredBundle {
  /** The referring manifest's digest. */
  readonly manifestDigest: string;
  /** The artifactType the referrers list gave it (cosign v2 gives the empty type in the fallback index). */
  readonly artifactType: string | undefined;
  readonly mediaType: string;
  /** The bundle JSON, parsed (not verified). */
  readonly bundle: unknown;
}

export interface ImageSignatures {
  readonly digest: string;
  /** cosign's legacy `sha256-<hex>.sig` layers. */
  readonly signatures: readonly LegacySignature[];
  /** cosign's legacy `sha256-<hex>.att` layers. */
  readonly attestations: readonly LegacySignature[];
  /** Sigstore bundles among the image's referrers (cosign v3, cosign v2 --new-bundle-format). */
  readonly bundles: readonly ReferredBundle[];
}

/** cosign's legacy tag for signatures/attestations of `digest` (cosign pkg/oci/remote: `sha256-<hex>.sig`). */
export function cosignTag(digest: string, kind: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}.${kind}`;
}

function parseRekorBundle(text: string | undefined, where: string): LegacyRekorBundle | undefined {
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as LegacyRekorBundle;
    if (typeof json.SignedEntryTimestamp === 'string' && typeof json.Payload?.body === 'string') return json;
  } catch {
    // fall through
  }
  throw new OciError('INVALID_RESPONSE', `${where}: the ${COSIGN_ANNOTATIONS.bundle} annotation is not a Rekor bundle`);
}

async function legacyLayers(client: RegistryClient, repo: Repository, digest: string, kind: 'sig' | 'att'): Promise<LegacySignature[]> {
  const tag = cosignTag(digest, kind);
  let manifest;
  try {
    manifest = (await client.manifest(repo, tag)).manifest;
  } catch (err) {
    if (err instanceof OciError && err.code === 'NOT_FOUND') return [];
    throw err;
  }
  const out: LegacySignature[] = [];
  for (const layer of manifest.layers ?? []) {
    const annotations = layer.annotations ?? {};
    const where = `${repo.registry}/${repo.repository}:${tag} layer ${layer.digest}`;
    out.push({
      kind,
      layer,
      payload: await client.blob(repo, layer.digest),
      signature: annotations[COSIGN_ANNOTATIONS.signature] ?? '',
      certificatePem: annotations[COSIGN_ANNOTATIONS.certificate] || undefined,
      chainPem: annotations[COSIGN_ANNOTATIONS.chain] || undefined,
      rekorBundle: parseRekorBundle(annotations[COSIGN_ANNOTATIONS.bundle], where),
      rfc3161Timestamp: annotations[COSIGN_ANNOTATIONS.rfc3161Timestamp] || undefined,
    });
  }
  return out;
}

/**
 * A referrer is a Sigstore bundle when its manifest says so (artifactType, or its one layer's media type). The
 * referrers list alone is not enough: cosign v2 lists its bundles with the empty config's type in the fallback
 * index although the manifest's artifactType is the bundle's.
 */
async function referredBundles(client: RegistryClient, repo: Repository, digest: string): Promise<ReferredBundle[]> {
  const candidates = (await client.referrers(repo, digest)).filter(
    (d) => d.artifactType === undefined || d.artifactType === MEDIA_TYPES.empty || isSigstoreBundleMediaType(d.artifactType),
  );
  const out: ReferredBundle[] = [];
  for (const candidate of candidates) {
    const { manifest } = await client.manifest(repo, candidate.digest);
    const layer = manifest.layers?.[0];
    if (layer === undefined || !(isSigstoreBundleMediaType(manifest.artifactType) || isSigstoreBundleMediaType(layer.mediaType))) continue;
    const bytes = await client.blob(repo, layer.digest);
    let bundle: unknown;
    try {
      bundle = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (cause) {
      throw new OciError('INVALID_RESPONSE', `${repo.registry}/${repo.repository}@${candidate.digest}: the bundle layer is not JSON`, { cause });
    }
    out.push({ manifestDigest: candidate.digest, artifactType: candidate.artifactType, mediaType: layer.mediaType, bundle });
  }
  return out;
}

/**
 * Every Sigstore signature and attestation stored for the image `digest` in `repo`, unverified: cosign's legacy
 * `.sig`/`.att` tags and the bundles among its OCI referrers. None found is an empty result, not an error.
 */
export async function findSignatures(client: RegistryClient, repo: Repository, digest: string): Promise<ImageSignatures> {
  const [signatures, attestations, bundles] = await Promise.all([
    legacyLayers(client, repo, digest, 'sig'),
    legacyLayers(client, repo, digest, 'att'),
    referredBundles(client, repo, digest),
  ]);
  return { digest, signatures, attestations, bundles };
}
