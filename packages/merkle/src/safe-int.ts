import { MerkleError } from './errors.js';

// Building trees from tiles works on JS numbers internally (bigint arithmetic per node would dominate the
// cost); 2^53 − 1 leaves is ~285 years at a million leaves per second. Verification uses bigint throughout.
const MAX_BUILD_SIZE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_POW_32 = 2 ** 32;

/** Converts an API bigint (index or size) to a number for internal tree building, or throws. */
export function toSafeInt(value: bigint, what: string): number {
  if (value < 0n) {
    throw new MerkleError('INDEX_OUT_OF_RANGE', `${what} must not be negative`, { details: { [what]: String(value) } });
  }
  if (value > MAX_BUILD_SIZE) {
    throw new MerkleError('SIZE_TOO_LARGE', `${what} exceeds 2^53 - 1`, { details: { [what]: String(value) } });
  }
  return Number(value);
}

/** Number of bits needed to write n (n a safe non-negative integer); 32-bit operators alone would wrap. */
export function bitLength(n: number): number {
  return n < TWO_POW_32 ? 32 - Math.clz32(n) : 64 - Math.clz32(Math.floor(n / TWO_POW_32));
}

/** k in the RFC 6962 §2.1 recursion: the largest power of two strictly less than n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}
