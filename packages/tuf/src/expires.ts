import { TufError } from './error.js';

/**
 * The TUF `expires` string: UTC, whole seconds, `Z` suffix. python-tuf parses it with
 * `strptime(expires, "%Y-%m-%dT%H:%M:%SZ")` (tuf 7.0.1 `tuf/api/_payload.py`), so fractional seconds would make
 * sigstore-python refuse the document; the time is floored to the second instead.
 */
export function formatExpires(expires: Date): string {
  const ms = expires.getTime();
  if (!Number.isFinite(ms)) throw new TufError('INVALID_TIME', 'expires is not a valid date');
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Parses an `expires` string written by {@link formatExpires} or any TUF implementation. */
export function parseExpires(expires: string): Date {
  const date = new Date(expires);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(expires) || Number.isNaN(date.getTime())) {
    throw new TufError('INVALID_TIME', `not a TUF expiry: ${expires}`);
  }
  return date;
}
