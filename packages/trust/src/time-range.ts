import { TrustError } from './error.js';
import type { TimeRange } from './types.js';

const MS_PER_SECOND = 1000;

/**
 * The instant truncated down to the whole second. Clients compare `validFor.start` with a Rekor v1
 * `integratedTime`, which has whole seconds only: an entry integrated in the key's first (fractional) second
 * would otherwise fall before the key's start and fail verification. Truncating down never excludes anything
 * the key signed.
 */
export function truncateToSecond(instant: Date): Date {
  return new Date(Math.floor(checkedTime(instant) / MS_PER_SECOND) * MS_PER_SECOND);
}

/**
 * RFC 3339 in UTC as protobuf's JSON mapping writes a Timestamp: no fraction when it is zero
 * (`2026-01-01T00:00:00Z`, like upstream trust roots), otherwise milliseconds (`2022-12-31T23:59:59.999Z`).
 */
export function formatTimestamp(instant: Date): string {
  return new Date(checkedTime(instant)).toISOString().replace('.000Z', 'Z');
}

/**
 * The one place a `validFor` is made: start truncated to the second (see `truncateToSecond`), end kept exact
 * and omitted while the key or service is still current (a retired one keeps its entry, with an end, so old
 * signatures still verify).
 */
export function validityPeriod(validFrom: Date, validUntil?: Date): TimeRange {
  const start = truncateToSecond(validFrom);
  if (validUntil === undefined) return { start: formatTimestamp(start) };
  if (checkedTime(validUntil) <= start.getTime()) {
    throw new TrustError('INVALID_TIME', 'validity must end after it starts', {
      details: { start: start.toISOString(), end: validUntil.toISOString() },
    });
  }
  return { start: formatTimestamp(start), end: formatTimestamp(validUntil) };
}

function checkedTime(instant: Date): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new TrustError('INVALID_TIME', 'not a valid Date');
  return ms;
}
