import type { MatchList } from '@sigbox/policy';
import { matchListToRe2, singleExact } from './matcher-re2.js';
import type { RuleIdentity } from './rule-identity.js';

/** The keyless identity shape shared by Kyverno, policy-controller and cosign.Identity: exact or RE2 regex each. */
export interface IdentityFields {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

/** Matches any value: for a rule that does not constrain a field on targets that require both fields. */
export const ANY_VALUE = '^(?s:.*)$';

/**
 * `exactOk` says whether the target's exact field really compares exactly for this value (Kyverno's `subject` and
 * `issuer` go through wildcard.Match, so `*` and `?` there are wildcards: such values take the regex field).
 */
export function identityFields(r: RuleIdentity, exactOk: (value: string) => boolean): IdentityFields {
  const out: IdentityFields = {};
  const put = (list: MatchList | undefined, name: 'issuer' | 'subject'): void => {
    if (list === undefined) {
      out[`${name}RegExp`] = ANY_VALUE;
      return;
    }
    const exact = singleExact(list);
    if (exact !== undefined && exactOk(exact)) out[name] = exact;
    else out[`${name}RegExp`] = matchListToRe2(list, r.rule, name);
  };
  put(r.issuer, 'issuer');
  put(r.subject, 'subject');
  return out;
}

export const noWildcards = (value: string): boolean => !/[*?]/u.test(value);
