import { MerkleError } from './errors.js';

// C2SP tlog-tiles (C2SP/C2SP@5ba5ee83 tlog-tiles.md, "Entry bundles are sequences of big-endian uint16
// length-prefixed log entries"): the uint16 prefix caps an entry at 65535 bytes.
const MAX_ENTRY_LENGTH = 0xffff;

/**
 * Encodes an entry bundle: `uint16 big-endian length ‖ entry` for each entry, in order. Throws MerkleError
 * ENTRY_TOO_LARGE for an entry longer than 65535 bytes, which the length prefix cannot express.
 * @see https://github.com/C2SP/C2SP/blob/5ba5ee83/tlog-tiles.md
 * @example encodeEntryBundle([Uint8Array.of(0xaa)]) // Uint8Array [0x00, 0x01, 0xaa]
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const [i, e] of entries.entries()) {
    if (e.length > MAX_ENTRY_LENGTH) throw new MerkleError('ENTRY_TOO_LARGE', `entry ${i} is ${e.length} bytes; an entry bundle holds at most ${MAX_ENTRY_LENGTH}`);
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Splits an entry bundle into its entries (views into `bytes`, not copies). Throws MerkleError INVALID_TILE when
 * the bytes end inside a length prefix or inside an entry. The entry count is not checked here: the caller knows
 * the width it asked for.
 * @see https://github.com/C2SP/C2SP/blob/5ba5ee83/tlog-tiles.md
 * @example parseEntryBundle(Uint8Array.of(0x00, 0x01, 0xaa)) // [Uint8Array [0xaa]]
 */
export function parseEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new MerkleError('INVALID_TILE', `entry bundle ends inside the length of entry ${out.length}`);
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (at + 2 + length > bytes.length) throw new MerkleError('INVALID_TILE', `entry bundle ends inside entry ${out.length}`);
    out.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}
