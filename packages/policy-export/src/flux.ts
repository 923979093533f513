import type { ExportContext } from './context.js';
import { identityFields } from './identity-fields.js';
import { describeList, ruleLabel } from './rule-identity.js';
import { groupByScope } from './scope.js';
import type { ExportFile } from './types.js';
import { toYaml } from './yaml.js';

/**
 * Flux source-controller (Flux 2.9+, source.toolkit.fluxcd.io/v1): a Secret holding trusted_root.json and one
 * OCIRepository per image scope whose `spec.verify` lists the scope's rules as `matchOIDCIdentity` (any of; issuer
 * and subject are Go regexes, unanchored, so anchored here). Nothing beyond issuer and subject can be expressed.
 * An OCIRepository names one repository: a scope that is not one exact repository gets a placeholder URL.
 */
export function exportFlux(ctx: ExportContext): ExportFile[] {
  const secretName = `${ctx.name}-trusted-root`;
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace: 'flux-system' },
    type: 'Opaque',
    stringData: { 'trusted_root.json': `${JSON.stringify(ctx.trust.json, null, 2)}\n` },
  };
  const repositories = groupByScope(ctx.rules, { separate: () => false, absorbUnscoped: () => true, overlapsAnd: false }, ctx.warnings).map((g) => {
    const identities = g.members.map((r) => {
      for (const e of r.extensions) ctx.dropped.push(`${ruleLabel(r.rule)}: ${e.field} ${describeList(e.match)} (Flux matchOIDCIdentity takes issuer and subject only)`);
      if (r.attestation !== undefined) ctx.dropped.push(`${ruleLabel(r.rule)}: attestation ${r.attestation.predicateType} (Flux verifies signatures only)`);
      const f = identityFields(r, () => false); // Flux has regex fields only
      return { issuer: f.issuerRegExp!, subject: f.subjectRegExp! };
    });
    const only = g.images?.length === 1 && g.images[0]!.kind !== 'pattern' && !/[*?]/u.test(g.images[0]!.source) ? g.images[0]!.source : undefined;
    if (only === undefined) ctx.warnings.push(`flux ${g.key}: the scope is not one repository; set spec.url of OCIRepository ${ctx.name}-${g.key} to a repository it covers`);
    return {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'OCIRepository',
      metadata: { name: `${ctx.name}-${g.key}`, namespace: 'flux-system' },
      spec: {
        interval: '10m',
        url: `oci://${only ?? 'REPOSITORY-IN-SCOPE'}`,
        ref: { tag: 'latest' },
        verify: { provider: 'cosign', matchOIDCIdentity: identities, trustedRootSecretRef: { name: secretName } },
      },
    };
  });
  return [{ path: 'flux.yaml', kind: 'yaml', content: toYaml([secret, ...repositories]) }];
}
