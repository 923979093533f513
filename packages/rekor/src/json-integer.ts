import { RekorError } from './errors.js';

/**
 * A v1 JSON integer (Rekor v1 writes int64 as JSON numbers). Sizes and indices stay far below 2^53 in practice;
 * beyond that a JS number would silently round, so refuse instead.
 */
export function toJsonInteger(value: number | bigint, name: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isSafeInteger(n) || n < 0 || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new RekorError('INTEGER_OVERFLOW', `${name} ${String(value)} is not a non-negative integer below 2^53`);
  }
  return n;
}
