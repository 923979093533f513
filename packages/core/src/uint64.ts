import { CoreError } from './error.js';

export const MAX_UINT64 = (1n << 64n) - 1n;
export const MAX_INT64 = (1n << 63n) - 1n;

/**
 * Parses a decimal unsigned integer as it appears on the wire (query strings, Rekor v2 int64 strings,
 * checkpoint sizes): digits only, no sign, no leading zeros, at most `max`.
 */
export function parseUint64(text: string, max: bigint = MAX_UINT64): bigint {
  if (!/^(?:0|[1-9][0-9]{0,19})$/.test(text)) throw new CoreError('INVALID_UINT64', `not a decimal unsigned integer: ${JSON.stringify(text.slice(0, 32))}`);
  const value = BigInt(text);
  if (value > max) throw new CoreError('INVALID_UINT64', `integer out of range: ${text}`);
  return value;
}
