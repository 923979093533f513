import { CoreError } from '@sigbox/core';
import { type ImageReference, type RegistryClient, findSignatures } from '@sigbox/oci';
import { LegacySignatureError, legacyToBundle } from './legacy-bundle.js';
import type { Candidate } from './signed-candidate.js';

/**
 * Everything stored as a signature or attestation of the image `ref` names: its digest, then cosign's legacy
 * `.sig`/`.att` layers (as v0.1 bundles) and the Sigstore bundles among its referrers, each still to be verified.
 */
export async function imageCandidates(client: RegistryClient, ref: ImageReference): Promise<{ digest: string; candidates: Candidate[] }> {
  const repo = { registry: ref.registry, repository: ref.repository };
  const digest = await client.resolve(ref);
  const found = await findSignatures(client, repo, digest);
  const candidates: Candidate[] = [];
  for (const sig of [...found.signatures, ...found.attestations]) {
    const source = `cosign .${sig.kind} layer ${sig.layer.digest}`;
    try {
      candidates.push({ source, ...legacyToBundle(sig) });
    } catch (err) {
      // What is malformed in a layer's annotations makes that layer unusable, not the whole explanation.
      if (!(err instanceof LegacySignatureError || err instanceof SyntaxError || err instanceof CoreError)) throw err;
      candidates.push({ source, bundle: undefined, artifact: undefined, unreadable: err.message });
    }
  }
  for (const b of found.bundles) candidates.push({ source: `referrer ${b.manifestDigest} (Sigstore bundle)`, bundle: b.bundle, artifact: undefined });
  return { digest, candidates };
}
