import { ConfigError } from './error.js';

/**
 * The flag values several commands take, each checked by one rule: `up`, `verify` and `tuf` must agree on them (the
 * public URL is inside the trust files whose hashes TUF publishes).
 */

/** `--database-url` / DATABASE_URL: a postgres URL, never echoed (it usually carries a password); '' = absent. */
export function parseDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ok = URL.canParse(value) && ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  if (!ok) throw new ConfigError('INVALID_VALUE', '--database-url / DATABASE_URL must be a postgres:// or postgresql:// URL');
  return value;
}

/** `--public-url`: http(s), no query or fragment, no trailing slash (services append absolute paths: `/api/v2/...`). */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new ConfigError('INVALID_VALUE', `--public-url must be an http(s) URL without query or fragment, got '${value}'`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A whole number from `min` to `max`, or undefined when the flag is absent. */
export function boundedInteger(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new ConfigError('INVALID_VALUE', `--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

/** `--signing-log`: the Rekor generation the signing config sends new signatures to (`up` and `tuf publish` agree). */
export function parseSigningLog(value: string | undefined): 'v1' | 'v2' | undefined {
  if (value === undefined || value === 'v1' || value === 'v2') return value;
  throw new ConfigError('INVALID_VALUE', `--signing-log must be v1 or v2, got '${value}'`);
}
