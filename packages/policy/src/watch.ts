import { expectationFailures, type FieldFailure, outOfScope, selectorMismatch } from './evaluate.js';
import type { Context, Identity, Policy } from './types.js';

export type Alert =
  | { readonly rule: string; readonly kind: 'expectations-failed'; readonly failures: readonly FieldFailure[] }
  | { readonly rule: string; readonly kind: 'any-use' };

/**
 * What the monitor raises for one certificate seen in a log: for every rule whose selector matches (and whose scope
 * covers the name, when one is known), an alert when its expectations fail — someone signed as the watched identity
 * from somewhere else — and, where `alertOnAnyUse` is set, an alert on every use. Attestations are checked only when
 * the context lists them (a log entry alone does not say which attestations exist). Pure; order follows the file.
 */
export function watch(policy: Policy, identity: Identity, context: Context = {}): Alert[] {
  const alerts: Alert[] = [];
  for (const rule of policy.rules) {
    if (outOfScope(rule, context) !== undefined || selectorMismatch(rule, identity)) continue;
    const failures = expectationFailures(rule, identity, context);
    if (failures.length > 0) alerts.push({ rule: rule.name, kind: 'expectations-failed', failures });
    if (rule.alertOnAnyUse) alerts.push({ rule: rule.name, kind: 'any-use' });
  }
  return alerts;
}
