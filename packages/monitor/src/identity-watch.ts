import { type Policy, identityFromCertificate, watch } from '@sigbox/policy';
import type { MonitorAlert } from './alert.js';
import { entryCertificates } from './entry-certificates.js';
import { mayConcern } from './selector-prefilter.js';
import type { LogEntry, LogKind } from './log-entry.js';

/**
 * The identity watch over log entries: every signing certificate an entry carries is read into an identity and
 * judged by the policy's `watch` (a rule whose selector matches and whose expectations fail, or `alertOnAnyUse`).
 * A log entry names no image or artifact, so scopes are not applied (policy README: no name skips the scope).
 */
export function createIdentityWatch(policy: Policy, kind: LogKind, source: string): (entry: LogEntry) => MonitorAlert[] {
  return (entry) => {
    const alerts: MonitorAlert[] = [];
    const index = entry.logIndex ?? entry.index;
    for (const der of entryCertificates(kind, entry)) {
      if (!mayConcern(policy, der)) continue;
      let identity;
      try {
        identity = identityFromCertificate(der);
      } catch {
        continue; // not a certificate Fulcio would issue: nothing to watch
      }
      for (const alert of watch(policy, identity)) {
        const failures = alert.kind === 'expectations-failed' ? alert.failures : [];
        const why = failures.map((f) => `${f.field} is ${f.actual === undefined ? 'missing' : JSON.stringify(f.actual)}`).join(', ');
        alerts.push({
          id: `identity:${source}:${index}:${alert.rule}:${alert.kind}`,
          kind: 'identity',
          rule: alert.rule,
          source,
          message:
            alert.kind === 'any-use'
              ? `${identity.subject} signed entry ${index} of ${source} (rule ${alert.rule} alerts on any use)`
              : `${identity.subject} signed entry ${index} of ${source} against rule ${alert.rule}: ${why}`,
          details: { index: index.toString(), identity, alert: alert.kind, failures },
        });
      }
    }
    return alerts;
  };
}
