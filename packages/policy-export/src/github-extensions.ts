import { singleExact } from './matcher-re2.js';
import { describeList, ruleLabel, type RuleIdentity } from './rule-identity.js';

/**
 * Kyverno `additionalExtensions` (v1.19.1 pkg/image/verifiers/cpol/cosign/cosign.go extractCertExtensionValue) and
 * cosign's `--certificate-github-workflow-*` flags read only the deprecated GitHub extensions 1.2–1.6, raw strings.
 * The policy names 1.9+ only. Some are the same claim: Sigbox's GitHub principal (packages/oidc
 * src/identity/github-workflow.ts), like Fulcio's, writes 1.2 and 1.20 from `event_name`, 1.3 and 1.13 from `sha`,
 * 1.6 and 1.14 from `ref`, 1.5 = `repository` and 1.12 = `https://github.com/` + `repository`. Only those map, and only
 * single exact values (the targets compare one string; Kyverno's through wildcard.Match, so no `*`/`?`). A
 * certificate without the GitHub extensions (another provider) then fails the check: narrower, never wider.
 */
const GITHUB = 'https://github.com/';

const MAPPING = {
  buildTrigger: { key: 'githubWorkflowTrigger', flag: '--certificate-github-workflow-trigger', value: (v: string) => v },
  sourceRepositoryDigest: { key: 'githubWorkflowSha', flag: '--certificate-github-workflow-sha', value: (v: string) => v },
  sourceRepositoryRef: { key: 'githubWorkflowRef', flag: '--certificate-github-workflow-ref', value: (v: string) => v },
  sourceRepositoryURI: {
    key: 'githubWorkflowRepository',
    flag: '--certificate-github-workflow-repository',
    value: (v: string) => (v.startsWith(GITHUB) && v.length > GITHUB.length ? v.slice(GITHUB.length) : undefined),
  },
} as const;

export interface MappedExtension {
  readonly key: string;
  readonly flag: string;
  readonly value: string;
}

/** Maps what maps; every other extension expectation of the rule is returned as a `dropped` line. */
export function githubExtensions(r: RuleIdentity, target: string, exactOk: (v: string) => boolean, warnings: string[]) {
  const mapped: MappedExtension[] = [];
  const dropped: string[] = [];
  for (const { field, match } of r.extensions) {
    const m = (MAPPING as Partial<Record<string, (typeof MAPPING)[keyof typeof MAPPING]>>)[field];
    const exact = singleExact(match);
    const value = m === undefined || exact === undefined ? undefined : m.value(exact);
    if (m !== undefined && value !== undefined && exactOk(value)) mapped.push({ key: m.key, flag: m.flag, value });
    else dropped.push(`${ruleLabel(r.rule)}: ${field} ${describeList(match)} (${target} can only check single exact values of the GitHub extensions 1.2-1.6)`);
  }
  if (mapped.length > 0) {
    warnings.push(`${ruleLabel(r.rule)}: ${mapped.map((x) => x.key).join(', ')} checked through the deprecated GitHub extensions 1.2-1.6: certificates without them fail`);
  }
  return { mapped, dropped };
}
