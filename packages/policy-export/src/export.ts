import type { ExportContext, Exporter } from './context.js';
import { exportCosign } from './cosign.js';
import { ExportError } from './error.js';
import { exportFlux } from './flux.js';
import { exportKyvernoIvp } from './kyverno-ivp.js';
import { exportKyverno } from './kyverno.js';
import { exportPolicyController } from './policy-controller.js';
import { ruleIdentity } from './rule-identity.js';
import { readTrustMaterial } from './trust-material.js';
import { EXPORT_TARGETS, type ExportInput, type ExportResult, type ExportTarget } from './types.js';

const EXPORTERS: Record<ExportTarget, Exporter> = {
  kyverno: exportKyverno,
  'kyverno-ivp': exportKyvernoIvp,
  'policy-controller': exportPolicyController,
  flux: exportFlux,
  cosign: exportCosign,
};

export const DEFAULT_NAME = 'sigbox';
// metadata.name prefix: a DNS-1123 label short enough to leave room for `-<rule name>` (rule names ≤ 63 too).
const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/u;

/**
 * Translate a parsed policy into `target`'s admission or verification configuration. Pure and deterministic: the
 * same input gives the same bytes (fixed key order, rules in file order, no timestamps). Throws ExportError only:
 * `NOT_EXPRESSIBLE` when the target would have to drop an expectation (i.e. admit more than the policy) unless
 * `allowDropped`, `UNSUPPORTED_PATTERN` for patterns Go RE2 cannot run, `INVALID_TRUST_MATERIAL`, `INVALID_INPUT`.
 */
export function exportPolicy(target: ExportTarget, input: ExportInput): ExportResult {
  const exporter = (EXPORTERS as Partial<Record<string, Exporter>>)[target];
  if (exporter === undefined || !EXPORT_TARGETS.includes(target)) {
    throw new ExportError('INVALID_INPUT', `unknown export target ${JSON.stringify(target)} (known: ${EXPORT_TARGETS.join(', ')})`);
  }
  const name = input.name ?? DEFAULT_NAME;
  if (!NAME_RE.test(name)) throw new ExportError('INVALID_INPUT', `name ${JSON.stringify(name)} is not a DNS-1123 label of at most 32 characters`);
  if (!/^https?:\/\/[^\s]+$/u.test(input.rekorUrl)) throw new ExportError('INVALID_INPUT', `rekorUrl ${JSON.stringify(input.rekorUrl)} is not an http(s) URL`);
  const trust = readTrustMaterial(input.trustedRoot);
  const ctx: ExportContext = { input, trust, rules: input.policy.rules.map(ruleIdentity), name, dropped: [], warnings: [] };
  for (const r of ctx.rules) ctx.dropped.push(...r.dropped);
  if (trust.retiredCas > 0 && target !== 'flux' && target !== 'cosign') {
    ctx.warnings.push(`${trust.retiredCas} retired certificate authorit${trust.retiredCas === 1 ? 'y' : 'ies'} of trusted_root.json left out (the target keeps no validity windows): signatures under them no longer verify`);
  }
  if (!ctx.rules.some((r) => !r.acceptsNothing && (r.rule.scope === undefined || r.rule.scope.images !== undefined))) {
    throw new ExportError('INVALID_INPUT', `no rule of the policy applies to images: nothing to export for ${target}`);
  }
  const files = exporter(ctx);
  if (ctx.dropped.length > 0 && input.allowDropped !== true) {
    throw new ExportError(
      'NOT_EXPRESSIBLE',
      `${target} cannot express ${ctx.dropped.length} expectation(s), so it would admit more than the policy: ${ctx.dropped.join('; ')} (allowDropped exports anyway)`,
      { details: { dropped: ctx.dropped } },
    );
  }
  return { files, dropped: unique(ctx.dropped), warnings: unique(ctx.warnings) };
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
