import { matchesAny, type AttestationRequirement, type ExtensionName, type Matcher, type MatchList, type Rule } from '@sigbox/policy';

/**
 * What one rule asks of a signature, flattened for exporters: the selector and the expectations both constrain
 * `issuer` and `subject` (the rule applies when the selector matches and accepts when the expectations hold, so an
 * admission check must satisfy both); the other expectations are certificate extensions (1.9–1.23).
 */
export interface RuleIdentity {
  readonly rule: Rule;
  readonly issuer: MatchList | undefined;
  readonly subject: MatchList | undefined;
  readonly extensions: ReadonlyArray<{ readonly field: Exclude<ExtensionName, 'issuer'>; readonly match: MatchList }>;
  readonly attestation: AttestationRequirement | undefined;
  /** Constraints no single target field can carry (two regex lists on one field): the exporter drops them. */
  readonly dropped: readonly string[];
  /** The selector and expectations exclude each other: the rule can accept nothing. */
  readonly acceptsNothing: boolean;
}

export function ruleLabel(rule: Rule): string {
  return `rule ${rule.name} (line ${rule.line})`;
}

export function describeList(list: MatchList): string {
  return list.map((m) => (m.kind === 'exact' ? JSON.stringify(m.source) : `${m.kind} ${JSON.stringify(m.source)}`)).join(' | ');
}

export function ruleIdentity(rule: Rule): RuleIdentity {
  const dropped: string[] = [];
  let acceptsNothing = false;
  const field = (name: 'issuer' | 'subject'): MatchList | undefined => {
    const fromSelector = rule.selector[name];
    const fromExpectations = rule.expectations.fields.find((f) => f.field === name)?.match;
    const combined = intersect(fromSelector, fromExpectations);
    if (combined.kind === 'empty') acceptsNothing = true;
    if (combined.kind === 'both-regex') {
      dropped.push(`${ruleLabel(rule)}: selector ${name} ${describeList(fromSelector!)} (a target field takes one value or regex; the expectation ${describeList(fromExpectations!)} is kept)`);
    }
    return combined.list;
  };
  const issuer = field('issuer');
  const subject = field('subject');
  const extensions = rule.expectations.fields.flatMap((f) =>
    f.field === 'issuer' || f.field === 'subject' ? [] : [{ field: f.field, match: f.match }],
  );
  return { rule, issuer, subject, extensions, attestation: rule.expectations.attestation, dropped, acceptsNothing };
}

type Intersection =
  | { kind: 'one'; list: MatchList | undefined }
  | { kind: 'exact'; list: MatchList }
  | { kind: 'empty'; list: MatchList }
  | { kind: 'both-regex'; list: MatchList };

/**
 * Both lists must hold. When one side is all exact values the intersection is exact: those values the other side
 * accepts (evaluated with the policy's own matcher). Two regex sides have no RE2 intersection (no lookahead).
 */
function intersect(a: MatchList | undefined, b: MatchList | undefined): Intersection {
  if (a === undefined || b === undefined) return { kind: 'one', list: a ?? b };
  const allExact = (l: MatchList): boolean => l.every((m) => m.kind === 'exact');
  const filter = (exacts: MatchList, other: MatchList): Intersection => {
    const kept: Matcher[] = exacts.filter((m) => matchesAny(other, m.source));
    return kept.length === 0 ? { kind: 'empty', list: exacts } : { kind: 'exact', list: kept };
  };
  if (allExact(a)) return filter(a, b);
  if (allExact(b)) return filter(b, a);
  return { kind: 'both-regex', list: b };
}
