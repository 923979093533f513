import type { IdentityField } from './fields.js';
import { describe, matchesAny } from './matcher.js';
import type { AttestationRequirement, Context, Identity, Policy, Rule } from './types.js';

/** One expectation that did not hold: which field, what the rule wanted, what the certificate said. */
export interface FieldFailure {
  readonly field: IdentityField | 'attestation';
  readonly expected: string;
  /** Undefined when the certificate does not carry the extension at all. */
  readonly actual: string | undefined;
}

export type RuleVerdict =
  | { readonly rule: string; readonly outcome: 'accepted' }
  | { readonly rule: string; readonly outcome: 'out-of-scope'; readonly name: string }
  | { readonly rule: string; readonly outcome: 'selector-mismatch'; readonly field: 'issuer' | 'subject'; readonly expected: string; readonly actual: string }
  | { readonly rule: string; readonly outcome: 'expectations-failed'; readonly failures: readonly FieldFailure[] };

export interface Evaluation {
  /** The first rule, in file order, that accepts; undefined when none does. */
  readonly accepted: string | undefined;
  /** Every rule's verdict in file order: what `sigbox policy explain` prints. */
  readonly verdicts: readonly RuleVerdict[];
}

/**
 * Which rule accepts this signer for this artifact, or why each rule does not. A rule accepts when the artifact is in
 * its scope (or no name is given), its selector matches, and every expectation holds. Pure and total.
 */
export function evaluate(policy: Policy, identity: Identity, context: Context = {}): Evaluation {
  const verdicts = policy.rules.map((rule) => judgeRule(rule, identity, context));
  return { accepted: verdicts.find((v) => v.outcome === 'accepted')?.rule, verdicts };
}

export function judgeRule(rule: Rule, identity: Identity, context: Context): RuleVerdict {
  const outside = outOfScope(rule, context);
  if (outside !== undefined) return { rule: rule.name, outcome: 'out-of-scope', name: outside };
  const mismatch = selectorMismatch(rule, identity);
  if (mismatch) return { rule: rule.name, outcome: 'selector-mismatch', ...mismatch };
  const failures = expectationFailures(rule, identity, context);
  return failures.length === 0 ? { rule: rule.name, outcome: 'accepted' } : { rule: rule.name, outcome: 'expectations-failed', failures };
}

/** The name that falls outside the rule's scope, if any. A name the scope has no list for is outside it. */
export function outOfScope(rule: Rule, context: Context): string | undefined {
  if (!rule.scope) return undefined;
  if (context.image !== undefined && !(rule.scope.images && matchesAny(rule.scope.images, context.image))) return context.image;
  if (context.artifact !== undefined && !(rule.scope.artifacts && matchesAny(rule.scope.artifacts, context.artifact))) return context.artifact;
  return undefined;
}

export function selectorMismatch(rule: Rule, identity: Identity): { field: 'issuer' | 'subject'; expected: string; actual: string } | undefined {
  const { issuer, subject } = rule.selector;
  if (issuer && !matchesAny(issuer, identity.issuer)) return { field: 'issuer', expected: describe(issuer), actual: identity.issuer };
  if (subject && !matchesAny(subject, identity.subject)) return { field: 'subject', expected: describe(subject), actual: identity.subject };
  return undefined;
}

function fieldValue(identity: Identity, field: IdentityField): string | undefined {
  if (field === 'subject') return identity.subject;
  // Issuer V2 (1.8) and the token issuer are the same fact; a plain object may carry only the top-level one.
  if (field === 'issuer') return identity.extensions?.issuer ?? identity.issuer;
  return identity.extensions?.[field];
}

export function expectationFailures(rule: Rule, identity: Identity, context: Context): FieldFailure[] {
  const failures: FieldFailure[] = rule.expectations.fields
    .map(({ field, match }) => ({ field, expected: describe(match), actual: fieldValue(identity, field), ok: matchesAny(match, fieldValue(identity, field)) }))
    .filter((f) => !f.ok)
    .map(({ field, expected, actual }) => ({ field, expected, actual }));
  const required = rule.expectations.attestation;
  if (required && context.attestations !== undefined && !hasAttestation(required, context.attestations)) {
    failures.push({ field: 'attestation', expected: describeAttestation(required), actual: context.attestations.map((a) => a.predicateType).join(', ') || undefined });
  }
  return failures;
}

function hasAttestation(required: AttestationRequirement, present: NonNullable<Context['attestations']>): boolean {
  return present.some(
    (a) => a.predicateType === required.predicateType && required.conditions.every((c) => matchesAny(c.match, scalarAt(a.predicate, c.path))),
  );
}

/** The scalar at a dotted path as a string (numbers and booleans in their JSON spelling); objects and arrays never match. */
function scalarAt(value: unknown, path: string): string | undefined {
  let here = value;
  for (const key of path.split('.')) {
    if (here === null || typeof here !== 'object' || Array.isArray(here) || !Object.hasOwn(here, key)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return typeof here === 'string' ? here : typeof here === 'number' || typeof here === 'boolean' ? JSON.stringify(here) : undefined;
}

function describeAttestation(required: AttestationRequirement): string {
  const conditions = required.conditions.map((c) => `${c.path} = ${describe(c.match)}`);
  return [required.predicateType, ...conditions].join('; ');
}
