import { MonitorError, type MonitorAlert } from '@sigbox/monitor';
import { createRegistryClient, formatReference, parseReference, readDockerConfig, repositoryName } from '@sigbox/oci';
import type { Policy } from '@sigbox/policy';
import { TRUSTED_ROOT_PATH } from '@sigbox/server';
import { explain } from './explain.js';
import { imageCandidates } from './image-candidates.js';
import type { MonitorCommand } from './monitor-config.js';
import { createBundleVerifier } from './signature-verify.js';
import { checkCandidate } from './signed-candidate.js';

/** cosign's `sha256-<hex>.sig|.att` tags and the referrers fallback `sha256-<hex>` tag are signatures, not images. */
const SIGNATURE_TAG = /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/;

/**
 * The unsigned-image check: every tag of every `--images` repository resolved to its digest, its signatures read
 * from the registry (cosign `.sig`/`.att`, OCI referrers), verified against the box's trusted root (signature,
 * certificate chain, log entry) and evaluated as `sigbox policy explain` does; an image no rule accepts is an alert,
 * once per digest. `policyNow` gives the rules in force (a reload replaces them between rounds).
 */
export async function createImageCheck(command: MonitorCommand, policyNow: () => Policy | undefined): Promise<() => Promise<MonitorAlert[]>> {
  if (policyNow() === undefined) throw new MonitorError('INVALID_KEY', '--images needs --policy: an image is signed when a signature from an identity the policy accepts exists');
  const trustUrl = `${new URL(command.log).origin}${TRUSTED_ROOT_PATH}`;
  const res = await fetch(trustUrl, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new MonitorError('INVALID_KEY', `cannot fetch ${trustUrl} to verify image signatures: HTTP ${res.status}`);
  const verifier = createBundleVerifier(await res.json());
  const client = createRegistryClient({ credentials: await readDockerConfig(command.dockerConfigFile) });
  return async () => {
    const policy = policyNow() as Policy; // the rules in force this round (reloaded on SIGHUP)
    const alerts: MonitorAlert[] = [];
    for (const name of command.images) {
      const repoRef = parseReference(name);
      const repo = { registry: repoRef.registry, repository: repoRef.repository };
      let tags: string[];
      try {
        tags = await client.listTags(repo);
      } catch (cause) {
        throw new MonitorError('REGISTRY_FAILED', `cannot list the tags of ${repositoryName(repo)}: ${(cause as Error).message}`, { cause });
      }
      for (const tag of tags.filter((t) => !SIGNATURE_TAG.test(t))) {
        const ref = { ...repo, tag, digest: undefined };
        const { digest, candidates } = await imageCandidates(client, ref);
        const explanation = explain(policy, candidates.map((c) => checkCandidate(verifier, c, digest)), formatReference({ ...ref, digest }), { image: repositoryName(repo) });
        if (explanation.accepted !== undefined) continue;
        alerts.push({
          id: `unsigned-image:${repositoryName(repo)}@${digest}`,
          kind: 'unsigned-image',
          rule: 'unsigned-image',
          source: repositoryName(repo),
          message: `${formatReference({ ...ref, digest })} has no valid signature from an identity the policy accepts`,
          details: {
            image: formatReference({ ...ref, digest }),
            signatures: explanation.signatures.length,
            rejected: explanation.rejected.map((r) => ({ source: r.source, error: r.error })),
          },
        });
      }
    }
    return alerts;
  };
}
