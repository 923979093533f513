import type { MatchList } from '@sigbox/policy';
import { kyvernoConditions } from './conditions.js';
import type { ExportContext } from './context.js';
import { ExportError } from './error.js';
import { githubExtensions } from './github-extensions.js';
import { identityFields, noWildcards } from './identity-fields.js';
import { kyvernoImageReferences } from './image-refs.js';
import { describeList, ruleLabel, type RuleIdentity } from './rule-identity.js';
import { groupByScope, type ScopeGroup } from './scope.js';
import type { ExportFile } from './types.js';
import { toYaml } from './yaml.js';

/**
 * A `kyverno.io/v1` ClusterPolicy with `verifyImages` (Kyverno v1.19.1 api/kyverno/v1/image_verification_types.go).
 *
 * Signature format: `type: Cosign` reads cosign's legacy `.sig`/`.att` tags and trusts what the attestor gives
 * (`roots`, `rekor.pubkey`, `ctlog.pubkey`: offline, pkg/image/verifiers/cpol/cosign/cosign.go buildCosignOptions);
 * `type: SigstoreBundle` reads OCI referrers with cosign v3 bundles and trusts only the TUF root seeded into Kyverno
 * (sigstore.go getTrustedMaterial), checks issuer/subject only when BOTH are given (buildPolicy) and never reads
 * `additionalExtensions`. One policy cannot accept "either format": every verifyImages entry whose imageReferences
 * match an image must pass (pkg/engine/handlers/mutation/mutate_image.go loops over them and reports each), so
 * listing both would demand both signatures. Hence one format per export (`signatureFormat`, default `legacy`).
 */
/**
 * Whether Kyverno's references for a scope (image-refs.ts) match exactly the images of the scope: exact
 * repositories and globs whose only wildcard is `**` (Kyverno's `*` crosses `/` as `**` does). A single `*` or `?`
 * also matches deeper paths there, so absorbing the unscoped rules into such a group would let a scoped rule accept
 * images outside its scope.
 */
function gapFree(images: MatchList | undefined): boolean {
  return images !== undefined && images.every((m) => m.kind === 'exact' || (m.kind === 'glob' && !/\?|(?<!\*)\*(?!\*)/u.test(m.source)));
}

export function exportKyverno(ctx: ExportContext): ExportFile[] {
  const format = ctx.input.signatureFormat ?? 'legacy';
  if (format === 'any') {
    throw new ExportError('INVALID_INPUT', 'kyverno: a ClusterPolicy requires every matching verifyImages entry to pass, so it cannot accept either signature format; choose legacy or bundle');
  }
  const rekor = ctx.trust.rekorV1;
  if (rekor === undefined) throw new ExportError('INVALID_TRUST_MATERIAL', 'trusted_root.json lists no Rekor v1 log: Kyverno checks the v1 log only');
  const ctlog = ctx.trust.ctlog;
  if (ctlog === undefined) ctx.warnings.push('trusted_root.json lists no CT log: the policy sets ctlog.ignoreSCT (as the box signs without SCTs)');
  if (format === 'bundle') {
    ctx.warnings.push('kyverno SigstoreBundle trusts only the TUF root seeded into Kyverno (--tufMirror/--tufRoot, or TUF_ROOT for the CLI): seed it with this box\'s /tuf mirror');
  }

  const entry = (r: RuleIdentity) => {
    const keyless: Record<string, unknown> = { ...identityFields(r, noWildcards) };
    if (format === 'legacy') {
      const { mapped, dropped } = githubExtensions(r, 'Kyverno', noWildcards, ctx.warnings);
      ctx.dropped.push(...dropped);
      if (mapped.length > 0) keyless.additionalExtensions = Object.fromEntries(mapped.map((m) => [m.key, m.value]));
    } else {
      for (const e of r.extensions) ctx.dropped.push(`${ruleLabel(r.rule)}: ${e.field} ${describeList(e.match)} (Kyverno SigstoreBundle checks issuer and subject only)`);
    }
    keyless.roots = ctx.trust.caPem;
    keyless.rekor = { url: ctx.input.rekorUrl, pubkey: rekor.pem };
    keyless.ctlog = ctlog === undefined ? { ignoreSCT: true } : { pubkey: ctlog.pem };
    return { keyless };
  };

  const references = (g: ScopeGroup) =>
    kyvernoImageReferences(g.images, (m) =>
      ctx.warnings.push(`kyverno ${g.key}: image scope pattern ${JSON.stringify(m.source)} is matched by its literal prefix (wider: more images checked)`),
    );
  const groups = groupByScope(
    ctx.rules,
    { separate: (r) => r.attestation !== undefined, absorbUnscoped: (g) => g.members.every((r) => r.attestation === undefined) && gapFree(g.images) },
    ctx.warnings,
  );
  const rules = groups.map((g) => {
    const entries = g.members.map(entry);
    const skip = [...new Set(g.except.flatMap((e) => references(e)))].sort();
    const verify: Record<string, unknown> = {
      type: format === 'legacy' ? 'Cosign' : 'SigstoreBundle',
      failureAction: 'Enforce',
      imageReferences: references(g),
      ...(skip.length > 0 ? { skipImageReferences: skip } : {}),
      mutateDigest: true,
      verifyDigest: true,
      required: true,
      attestors: [{ count: 1, entries }],
    };
    const att = g.members.length === 1 ? g.members[0]!.attestation : undefined;
    if (att !== undefined) {
      verify.attestations = [
        {
          type: att.predicateType,
          attestors: [{ count: 1, entries }],
          ...(att.conditions.length > 0 ? { conditions: kyvernoConditions(g.members[0]!.rule, att) } : {}),
        },
      ];
    }
    return { name: g.key, match: { any: [{ resources: { kinds: ['Pod'] } }] }, verifyImages: [verify] };
  });

  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: `${ctx.name}-accepted-identities`, annotations: { 'policies.sigbox.dev/generated-by': 'sigbox export kyverno' } },
    spec: { background: false, webhookTimeoutSeconds: 30, rules },
  };
  return [{ path: 'kyverno-clusterpolicy.yaml', kind: 'yaml', content: toYaml([policy]) }];
}
