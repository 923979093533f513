import { encoding } from '@sigbox/core';
import { cueConditions } from './conditions.js';
import type { ExportContext } from './context.js';
import { ExportError } from './error.js';
import { identityFields } from './identity-fields.js';
import { policyControllerGlobs } from './image-refs.js';
import { describeList, ruleLabel, type RuleIdentity } from './rule-identity.js';
import { groupByScope } from './scope.js';
import type { Authority, LogKey } from './trust-material.js';
import type { ExportFile } from './types.js';
import { toYaml } from './yaml.js';

const b64 = (text: string): string => encoding.toBase64(encoding.utf8(text));
// policy-controller v0.14.0 pkg/apis/config/sigstore_keys.go HashStringToHashAlgorithm reads these spellings.
const HASH: Record<string, string> = { SHA2_256: 'sha-256', SHA2_384: 'sha-384', SHA2_512: 'sha-512' };

/**
 * A `policy.sigstore.dev/v1alpha1` TrustRoot and one `v1beta1` ClusterImagePolicy per image scope
 * (policy-controller v0.14.0 pkg/apis/policy/v1alpha1/trustroot_types.go, v1beta1/clusterimagepolicy_types.go).
 * Authorities of one CIP are OR-ed (pkg/webhook/validator.go ValidatePolicy: one matching authority passes), CIPs
 * matching one image are AND-ed, hence the grouping. Each authority has the `ctlog` stanza: without it
 * rekorClientAndKeysFromAuthority returns no keys and the tlog is silently ignored (test/go/INTEGRATORS.md).
 *
 * A `bundle` authority names no TrustRoot when the TrustRoot is `sigstoreKeys`: v0.14.0 converts those keys with
 * `LogId.KeyId = []byte(hex string)` (pkg/apis/config/sigstore_keys.go ConvertTransparencyLogInstance, logID from
 * cosign.GetTransparencyLogID), while sigstore-go looks logs up by hex(KeyId), so no bundle's log entry ever
 * verifies ("not enough verified log entries from transparency log: 0 < 1", test/interop/admission.test.ts). Without
 * `trustRootRef` the bundle path takes sigstore-go's trusted root from the controller's TUF client
 * (pkg/tuf/repo.go GetTrustedRoot → sigstore/sigstore tuf.NewFromEnv), seeded by its `--tuf-mirror`/`--tuf-root`
 * flags with this box's mirror.
 */
export function exportPolicyController(ctx: ExportContext): ExportFile[] {
  const trustRootName = `${ctx.name}-trust-root`;
  const format = ctx.input.signatureFormat ?? 'any';
  const formats = format === 'any' ? (['legacy', 'bundle'] as const) : ([format] as const);
  const remote = (ctx.input.trustRoot ?? 'sigstore-keys') === 'remote';
  if (formats.includes('bundle') && !remote) {
    ctx.warnings.push('policy-controller bundle authorities take their trust from the controller\'s TUF (--tuf-mirror <this box>/tuf --tuf-root 1.root.json): v0.14.0 cannot verify bundles against a sigstoreKeys TrustRoot');
  }

  const authorities = (r: RuleIdentity) => {
    for (const e of r.extensions) ctx.dropped.push(`${ruleLabel(r.rule)}: ${e.field} ${describeList(e.match)} (policy-controller identities take issuer and subject only)`);
    const att = r.attestation;
    if (att !== undefined) {
      ctx.warnings.push(`${ruleLabel(r.rule)}: policy-controller checks the attestation signed by the rule's identity in place of a separate image signature (an authority with attestations verifies only those)`);
    }
    const trustFor = (f: 'legacy' | 'bundle') => (f === 'bundle' && !remote ? {} : { trustRootRef: trustRootName });
    return formats.map((f) => ({
      name: formats.length === 1 ? r.rule.name : `${r.rule.name}-${f}`,
      keyless: { url: ctx.input.rekorUrl, identities: [identityFields(r, () => true)], ...trustFor(f) },
      ctlog: { url: ctx.input.rekorUrl, ...trustFor(f) },
      ...(f === 'bundle' ? { signatureFormat: 'bundle' } : {}),
      ...(att === undefined
        ? {}
        : {
            attestations: [
              {
                name: `${r.rule.name}-attestation`,
                predicateType: att.predicateType,
                ...(att.conditions.length > 0 ? { policy: { type: 'cue', data: cueConditions(r.rule, att) } } : {}),
              },
            ],
          }),
    }));
  };

  const policies = groupByScope(ctx.rules, { separate: () => false }, ctx.warnings).map((g) => ({
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: `${ctx.name}-${g.key}`, annotations: { 'policies.sigbox.dev/generated-by': 'sigbox export policy-controller' } },
    spec: {
      images: policyControllerGlobs(g.images, (m) =>
        ctx.warnings.push(`policy-controller ${g.key}: image scope ${m.kind} ${JSON.stringify(m.source)} approximated by a wider glob (more images checked)`),
      ).map((glob) => ({ glob })),
      authorities: g.members.flatMap(authorities),
    },
  }));
  return [{ path: 'policy-controller.yaml', kind: 'yaml', content: toYaml([trustRoot(ctx, trustRootName), ...policies]) }];
}

function trustRoot(ctx: ExportContext, name: string): unknown {
  const metadata = { name, annotations: { 'policies.sigbox.dev/generated-by': 'sigbox export policy-controller' } };
  if ((ctx.input.trustRoot ?? 'sigstore-keys') === 'remote') {
    const tuf = ctx.input.tuf;
    if (tuf === undefined) throw new ExportError('INVALID_INPUT', 'policy-controller: trustRoot remote needs the TUF mirror and its 1.root.json');
    // The controller builds a remote TrustRoot from the mirror's trusted_root.json, Rekor v2 log included, and its
    // legacy path refuses every non-ECDSA Rekor key ("public key N is not ecdsa.PublicKey", v0.14.0
    // pkg/webhook/validator.go). The tester reads the legacy targets instead, so CI cannot show this: warn.
    const v2 = ctx.trust.tlogs.filter((l) => !l.v1).length;
    if (v2 > 0) ctx.warnings.push(`policy-controller remote TrustRoot: the mirror's trusted_root.json lists ${v2} Rekor v2 log key(s), which policy-controller v0.14.0's legacy (.sig) verification refuses; for cosign v2 signatures prefer the default sigstoreKeys TrustRoot (untested in a cluster)`);
    return {
      apiVersion: 'policy.sigstore.dev/v1alpha1',
      kind: 'TrustRoot',
      metadata,
      spec: { remote: { mirror: tuf.mirror, root: b64(tuf.root), trustedRootTarget: 'trusted_root.json' } },
    };
  }
  // sigstoreKeys carry no validity windows (ConvertSigstoreKeys sets ValidFor.Start = 0, no end): a retired key or CA
  // would be trusted forever, so only current ones are exported.
  const current = <T extends { ended: boolean }>(list: readonly T[], what: string): T[] => {
    const kept = list.filter((x) => !x.ended);
    if (kept.length < list.length) ctx.warnings.push(`policy-controller sigstoreKeys: ${list.length - kept.length} retired ${what} left out (sigstoreKeys has no validity windows); use --trust-root remote to keep history`);
    return kept;
  };
  const ca = (a: Authority) => ({ subject: { organization: a.organization, commonName: a.commonName }, uri: a.uri, certChain: b64(a.chainPem) });
  const log = (l: LogKey) => ({ baseURL: l.baseUrl, hashAlgorithm: HASH[l.hashAlgorithm] ?? l.hashAlgorithm, publicKey: b64(l.pem) });
  const v2 = ctx.trust.tlogs.filter((l) => !l.v1).length;
  if (v2 > 0) ctx.warnings.push(`policy-controller v0.14.0 verifies Rekor v1 entries only: the ${v2} Rekor v2 log key(s) are left out`);
  const tsas = current(ctx.trust.timestampAuthorities, 'timestamp authorities');
  return {
    apiVersion: 'policy.sigstore.dev/v1alpha1',
    kind: 'TrustRoot',
    metadata,
    spec: {
      sigstoreKeys: {
        certificateAuthorities: current(ctx.trust.certificateAuthorities, 'certificate authorities').map(ca),
        tLogs: current(ctx.trust.tlogs.filter((l) => l.v1), 'Rekor keys').map(log),
        ctLogs: current(ctx.trust.ctlogs, 'CT log keys').map(log),
        ...(tsas.length > 0 ? { timestampAuthorities: tsas.map(ca) } : {}),
      },
    },
  };
}
