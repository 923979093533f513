import { encoding } from '@sigbox/core';
import { celConditions } from './conditions.js';
import type { ExportContext } from './context.js';
import { ExportError } from './error.js';
import { identityFields } from './identity-fields.js';
import { kyvernoImageReferences } from './image-refs.js';
import { describeList, ruleLabel, type RuleIdentity } from './rule-identity.js';
import { groupByScope } from './scope.js';
import type { ExportFile } from './types.js';
import { toYaml } from './yaml.js';

/**
 * A `policies.kyverno.io/v1` ImageValidatingPolicy per image scope (Kyverno v1.19.1 with kyverno/api
 * api/policies.kyverno.io/v1beta1 types: attestors[].cosign.{keyless.identities, ctlog, trustedRoot, tuf},
 * attestations[].intoto.type, matchImageReferences[].glob = gobwas/glob without separators, pkg/cel/compiler).
 * The verifier (pkg/image/verifiers/ivpol/cosign/opts.go checkOptions) turns identities into cosign.Identity and
 * never reads `keyless.additionalExtensions`, and the CEL library (pkg/cel/libs/imageverify) exposes signature
 * counts and attestation payloads, not the certificate: extension expectations cannot be expressed and are dropped.
 * Rules of one scope are OR-ed in one CEL validation; attestation conditions are CEL over extractPayload.
 */
/** Every image of a pod: init and ephemeral containers too, or an unsigned image could run as one. */
const ALL_IMAGES = `(${['containers', 'initContainers', 'ephemeralContainers'].map((k) => `(${JSON.stringify(k)} in images ? images.${k} : [])`).join(' + ')})`;

export function exportKyvernoIvp(ctx: ExportContext): ExportFile[] {
  const rekor = ctx.trust.rekorV1;
  if (rekor === undefined) throw new ExportError('INVALID_TRUST_MATERIAL', 'trusted_root.json lists no Rekor v1 log');
  if (ctx.input.tuf === undefined) {
    ctx.warnings.push('kyverno-ivp: without the TUF mirror and root Kyverno initialises TUF from the public-good root (opts.go initTUFAndFetch); pass them (--url does)');
  }
  const attestor = (r: RuleIdentity) => {
    for (const e of r.extensions) ctx.dropped.push(`${ruleLabel(r.rule)}: ${e.field} ${describeList(e.match)} (ImageValidatingPolicy checks issuer and subject only)`);
    const tuf = ctx.input.tuf;
    return {
      name: r.rule.name,
      cosign: {
        keyless: { identities: [identityFields(r, () => true)], roots: ctx.trust.caPem },
        ctlog: {
          url: ctx.input.rekorUrl,
          rekorPubKey: rekor.pem,
          ...(ctx.trust.ctlog === undefined ? { insecureIgnoreSCT: true } : { ctLogPubKey: ctx.trust.ctlog.pem }),
        },
        ...(tuf === undefined ? {} : { tuf: { mirror: tuf.mirror, root: { data: encoding.toBase64(encoding.utf8(tuf.root)) } } }),
        trustedRoot: { value: JSON.stringify(ctx.trust.json) },
      },
    };
  };

  const policies = groupByScope(ctx.rules, { separate: () => false }, ctx.warnings).map((g) => {
    const accepted = g.members.map((r) => {
      const name = r.rule.name;
      const signed = `verifyImageSignatures(image, [attestors[${JSON.stringify(name)}]]) > 0`;
      if (r.attestation === undefined) return signed;
      const att = `attestations[${JSON.stringify(`${name}-attestation`)}]`;
      const parts = [signed, `verifyAttestationSignatures(image, ${att}, [attestors[${JSON.stringify(name)}]]) > 0`];
      // extractPayload returns the whole in-toto statement (cosign pkg/policy AttestationToPayloadJSON marshals the
      // statement; kyverno sdk imagedataloader GetPayload returns it as stored): the predicate is under `predicate`.
      parts.push(...celConditions(r.rule, r.attestation, `extractPayload(image, ${att})["predicate"]`));
      return `(${parts.join(' && ')})`;
    });
    return {
      apiVersion: 'policies.kyverno.io/v1',
      kind: 'ImageValidatingPolicy',
      metadata: { name: `${ctx.name}-${g.key}`, annotations: { 'policies.sigbox.dev/generated-by': 'sigbox export kyverno-ivp' } },
      spec: {
        validationActions: ['Deny'],
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        },
        matchImageReferences: kyvernoImageReferences(g.images, (m) =>
          ctx.warnings.push(`kyverno-ivp ${g.key}: image scope pattern ${JSON.stringify(m.source)} is matched by its literal prefix (wider: more images checked)`),
        ).map((glob) => ({ glob })),
        attestors: g.members.map(attestor),
        attestations: g.members.flatMap((r) => (r.attestation === undefined ? [] : [{ name: `${r.rule.name}-attestation`, intoto: { type: r.attestation.predicateType } }])),
        validations: [
          {
            expression: `${ALL_IMAGES}.all(image, ${accepted.join(' || ')})`,
            message: `no rule of ${g.members.map((r) => r.rule.name).join(', ')} accepts the image's signer`,
          },
        ],
      },
    };
  });
  return [{ path: 'kyverno-imagevalidatingpolicy.yaml', kind: 'yaml', content: toYaml(policies) }];
}
