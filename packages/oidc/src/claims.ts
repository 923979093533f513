/**
 * Reading token claims the way Fulcio's Go code does: typed struct decoding (a claim of the wrong JSON type is an
 * error, an absent one is the zero value), `fmt` formatting of arbitrary values, and the string-or-bool
 * `email_verified` of sigstore's `oauthflow`.
 */

export type Claims = Readonly<Record<string, unknown>>;

export class ClaimError extends Error {}

/** A string claim decoded into a Go `string` field: absent/null → '', any other non-string type → error. */
export function stringClaim(claims: Claims, name: string): string {
  const value = claims[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ClaimError(`claim ${name} must be a string`);
  return value;
}

/** Like {@link stringClaim}, with upstream's "missing <name> claim in ID token" when empty. */
export function requiredStringClaim(claims: Claims, name: string): string {
  const value = stringClaim(claims, name);
  if (value === '') throw new ClaimError(`missing ${name} claim in ID token`);
  return value;
}

/** {@link requiredStringClaim} of each name in turn (the first missing one fails), by name. */
export function requiredStringClaims<const Name extends string>(claims: Claims, names: readonly Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, requiredStringClaim(claims, name)])) as Record<Name, string>;
}

/**
 * `email_verified` as fulcio pkg/oauthflow `stringAsBool`: true, "true", "True" (and the false forms); missing is
 * false; anything else fails decoding (some IdPs, e.g. AWS Cognito, send the string form).
 */
export function emailVerified(claims: Claims): boolean {
  const value = claims.email_verified;
  if (value === undefined || value === null) return false;
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  throw new ClaimError('invalid value for boolean');
}

/**
 * Claims as the strings CI templates see (ciprovider `mapValuesToString`): floats in plain decimal, never an
 * exponent (#2406); everything else through `fmt.Sprintf("%v")`.
 */
export function claimsToStrings(claims: Claims): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, typeof v === 'number' ? plainDecimal(v) : formatGoValue(v)]));
}

/** `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest round-trip digits, written without an exponent. */
export function plainDecimal(value: number): string {
  const [mantissa = '', exp = '0'] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const point = Number(exp) + 1; // position of the decimal point within `digits`
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
    : point >= digits.length ? digits + '0'.repeat(point - digits.length)
    : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

/** Go `fmt` `%v` of a decoded JSON value (map keys sorted, as fmt prints maps since Go 1.12). */
export function formatGoValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goFloatG(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  const record = value as Record<string, unknown>;
  return `map[${Object.keys(record).sort().map((k) => `${k}:${formatGoValue(record[k])}`).join(' ')}]`;
}

// %v of a float64 is %g with the shortest digits, which switches to an exponent when exp < -4 || exp >= 6
// (strconv/ftoa.go: "if precision was the shortest possible, use precision 6"): 123456789 prints 1.23456789e+08.
function goFloatG(value: number): string {
  const [mantissa = '', expText = '0'] = value.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return plainDecimal(value);
}

/**
 * The JSONPath subset Fulcio configs use for `IssuerClaim` (`$.federated_claims.connector_id`; PaesslerAG/jsonpath):
 * `$` then `.name`, `['name']`/`["name"]` or `[n]` steps. The result is formatted with `%v`.
 */
export function jsonPathValue(claims: Claims, path: string): string {
  const steps = /^\$((?:\.[^.[\]]+|\[(?:'[^']*'|"[^"]*"|\d+)\])*)$/.exec(path.trim());
  if (!steps) throw new ClaimError(`unsupported JSONPath ${path}`);
  let current: unknown = claims;
  for (const [, dotted, bracket] of steps[1]!.matchAll(/\.([^.[\]]+)|\[('[^']*'|"[^"]*"|\d+)\]/g)) {
    const key = dotted ?? bracket!.replace(/^['"]|['"]$/g, '');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) throw new ClaimError(`unknown key ${key}`);
    current = (current as Record<string, unknown>)[key];
  }
  return formatGoValue(current);
}
