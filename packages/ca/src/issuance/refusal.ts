import type { RuleVerdict } from '@sigbox/policy';

/** The longest identity value quoted back in a refusal (values come from the caller's own token). */
const MAX_QUOTED = 120;
const quote = (value: string | undefined): string =>
  value === undefined ? 'absent' : JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);

/** One rule's reason, briefly: its name and the first field that failed with the value the certificate would carry. */
function reasonOf(verdict: RuleVerdict): string {
  switch (verdict.outcome) {
    case 'selector-mismatch':
      return `${verdict.rule}: ${verdict.field} ${quote(verdict.actual)} not selected`;
    case 'expectations-failed': {
      const first = verdict.failures[0];
      return first ? `${verdict.rule}: ${first.field} ${quote(first.actual)} not accepted` : `${verdict.rule}: expectations failed`;
    }
    case 'out-of-scope':
      return `${verdict.rule}: out of scope`;
    case 'accepted':
      return `${verdict.rule}: accepted`;
  }
}

/**
 * The client-facing text of a refusal: who asked and, per rule in file order, the first failing field. Expected
 * values are not echoed (the policy's patterns are the operator's; the caller learns which fact to fix, not the
 * whole rule), actual values are the caller's own identity.
 */
export function refusalMessage(issuer: string, subject: string, verdicts: readonly RuleVerdict[]): string {
  const who = `issuer ${quote(issuer)} subject ${quote(subject)}`;
  if (verdicts.length === 0) return `The issuance policy has no rule: no identity is accepted (${who})`;
  return `No rule of the issuance policy accepts ${who}: ${verdicts.map(reasonOf).join('; ')}`;
}
