import type { RuleVerdict } from '@sigbox/policy';
import type { Explanation } from './explain.js';

const quote = (s: string | undefined) => (s === undefined ? '(absent)' : JSON.stringify(s));

/** One rule's verdict in a sentence. */
export function describeVerdict(v: RuleVerdict): string {
  switch (v.outcome) {
    case 'accepted':
      return `rule ${v.rule}: ACCEPTS`;
    case 'out-of-scope':
      return `rule ${v.rule}: not in scope: ${v.name} is not among its images/artifacts`;
    case 'selector-mismatch':
      return `rule ${v.rule}: selector does not match: ${v.field} is ${quote(v.actual)}, the rule wants ${v.expected}`;
    case 'expectations-failed':
      return `rule ${v.rule}: selector matches, expectations fail: ${v.failures
        .map((f) => (f.field === 'attestation' ? `attestation ${f.expected} is missing (found: ${f.actual ?? 'none'})` : `${f.field} is ${quote(f.actual)}, the rule wants ${f.expected}`))
        .join('; ')}`;
  }
}

/** The human-readable explanation: what was found, each signature's verdict per rule, then the overall verdict. */
export function formatExplanation(e: Explanation): string {
  const out = [`${e.subject}`];
  if (e.signatures.length === 0 && e.rejected.length === 0 && e.attestations.length === 0) out.push('  no signatures found');
  e.signatures.forEach((s, i) => {
    const when = s.signedAt === undefined ? '' : `, logged ${s.signedAt.toISOString()}`;
    out.push(`signature ${i + 1} (${s.source}): verified; signed by ${s.identity.subject} (issuer ${s.identity.issuer})${when}`);
    if (s.attestations.length > 0) out.push(`  with attestations by the same signer: ${s.attestations.map((a) => a.predicateType).join(', ')}`);
    if (s.evaluation.verdicts.length === 0) out.push('  the policy has no rules');
    for (const v of s.evaluation.verdicts) out.push(`  ${describeVerdict(v)}`);
  });
  for (const a of e.attestations) out.push(`attestation (${a.source}): verified; ${a.predicateType} by ${a.identity.subject} (issuer ${a.identity.issuer})`);
  for (const r of e.rejected) out.push(`ignored (${r.source}): ${r.error}`);
  out.push(e.accepted === undefined ? 'NOT ACCEPTED: no rule accepts any verified signature' : `ACCEPTED by rule ${e.accepted.rule} (${e.accepted.source})`);
  return `${out.join('\n')}\n`;
}

/** The same as JSON (`--json`): stable keys, the policy's verdicts as `evaluate` returns them. */
export function explanationJson(e: Explanation): string {
  return `${JSON.stringify(
    {
      subject: e.subject,
      context: e.context,
      accepted: e.accepted ?? null,
      signatures: e.signatures.map((s) => ({
        source: s.source,
        identity: s.identity,
        signedAt: s.signedAt?.toISOString() ?? null,
        attestations: s.attestations,
        accepted: s.evaluation.accepted ?? null,
        verdicts: s.evaluation.verdicts,
      })),
      attestations: e.attestations.map((a) => ({ source: a.source, predicateType: a.predicateType, identity: a.identity })),
      rejected: e.rejected.map((r) => ({ source: r.source, error: r.error })),
    },
    null,
    2,
  )}\n`;
}
