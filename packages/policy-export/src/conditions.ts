import type { AttestationRequirement, Matcher, Rule } from '@sigbox/policy';
import { ExportError } from './error.js';
import { matcherToRe2 } from './matcher-re2.js';
import { ruleLabel } from './rule-identity.js';

/**
 * An attestation's conditions (dotted path into the predicate → accepted values of the scalar there) in each
 * target's language. Paths are quoted segment by segment so no key is read as syntax.
 */

/**
 * Kyverno ClusterPolicy `attestations[].conditions` (JMESPath over the predicate; v1.19.1
 * api/kyverno/v1/image_verification_types.go Attestation.Conditions): one `any` block per path (all blocks must
 * hold), one entry per accepted value. Exact values use `Equals`; globs and patterns `regex_match` (Go RE2,
 * anchored). Values Kyverno would read as variables (`{{`) or wildcards take the regex form.
 */
export function kyvernoConditions(rule: Rule, att: AttestationRequirement): unknown[] {
  return att.conditions.map((c) => ({
    any: c.match.map((m) => {
      const path = jmesPath(c.path);
      if (m.kind === 'exact' && !/[*?]|\{\{|\}\}/u.test(m.source)) return { key: `{{ ${path} }}`, operator: 'Equals', value: m.source };
      const re = `^(?:${matcherToRe2(m, rule, `attestation condition ${c.path}`)})$`;
      if (/\{\{|\}\}/u.test(re)) {
        throw new ExportError('UNSUPPORTED_PATTERN', `${ruleLabel(rule)}: condition ${c.path}: ${JSON.stringify(m.source)} contains {{ or }}, which Kyverno substitutes`);
      }
      return { key: `{{ regex_match(${jmesRawString(re)}, ${path}) }}`, operator: 'Equals', value: true };
    }),
  }));
}

const jmesPath = (path: string): string => path.split('.').map((s) => JSON.stringify(s)).join('.');
/** JMESPath raw string literal: `'…'` with `\'` for a quote (and `\\` kept as two characters). */
const jmesRawString = (s: string): string => `'${s.replace(/'/gu, "\\'")}'`;

/**
 * policy-controller `attestations[].policy` (type cue), unified with the in-toto statement, so the predicate sits
 * under `predicate` (v0.14.0 pkg/webhook/validator.go ValidatePolicyAttestationsForAuthority). A value is
 * `"exact" | =~"re2"`; CUE strings are JSON strings plus `\(` interpolation, which JSON.stringify never emits.
 */
export function cueConditions(rule: Rule, att: AttestationRequirement): string {
  const lines = [`predicateType: ${JSON.stringify(att.predicateType)}`];
  for (const c of att.conditions) {
    const value = c.match.map((m) => cueValue(m, rule, c.path)).join(' | ');
    const nested = c.path.split('.').reduceRight((inner, key) => `{${JSON.stringify(key)}: ${inner}}`, value);
    lines.push(`predicate: ${nested}`);
  }
  return `${lines.join('\n')}\n`;
}

function cueValue(m: Matcher, rule: Rule, path: string): string {
  if (m.kind === 'exact') return JSON.stringify(m.source);
  return `=~${JSON.stringify(`^(?:${matcherToRe2(m, rule, `attestation condition ${path}`)})$`)}`;
}

/**
 * CEL over `payload`, the predicate: Kyverno's ImageValidatingPolicy `extractPayload(image, attestations.NAME)`
 * returns the in-toto statement, so callers pass its `["predicate"]`. `matches` is RE2 in CEL (cel-spec: RE2 syntax); an `in` test guards each step, and `&&`
 * absorbs errors when one side is false, so a missing key fails the condition instead of erroring.
 */
export function celConditions(rule: Rule, att: AttestationRequirement, payload: string): string[] {
  return att.conditions.map((c) => {
    const segments = c.path.split('.');
    const at = (n: number): string => `${payload}${segments.slice(0, n).map((s) => `[${JSON.stringify(s)}]`).join('')}`;
    const guards = segments.map((s, i) => `${JSON.stringify(s)} in ${at(i)}`);
    const value = at(segments.length);
    const alternatives = c.match.map((m) =>
      m.kind === 'exact'
        ? `${value} == ${JSON.stringify(m.source)}`
        : `string(${value}).matches(${JSON.stringify(`^(?:${matcherToRe2(m, rule, `attestation condition ${c.path}`)})$`)})`,
    );
    return [...guards, `(${alternatives.join(' || ')})`].join(' && ');
  });
}
