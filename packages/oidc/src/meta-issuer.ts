/**
 * Meta-issuer patterns (fulcio pkg/config/config.go `MetaRegex`): the pattern is quoted literally, each `*`
 * matches one run of `[-_a-zA-Z0-9]` (never `.` or `/`), anchored at both ends — the anchoring is the fix for
 * GHSA-59jp-pj84-45mr, where `http://attacker?https://oidc.eks.x.amazonaws.com/id/y` used to match.
 *
 * @example
 * metaIssuerRegex('https://oidc.eks.*.amazonaws.com/id/*').test('https://oidc.eks.us-west-2.amazonaws.com/id/B0') // true
 */
export function metaIssuerRegex(pattern: string): RegExp {
  const quoted = pattern.split('*').map((part) => part.replace(/[\\.+?()|[\]{}^$]/g, '\\$&'));
  return new RegExp(`^${quoted.join('[-_a-zA-Z0-9]+')}$`);
}
