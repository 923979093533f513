import { MerkleError } from './errors.js';
import { TILE_WIDTH, type TileId } from './tile.js';

// C2SP tlog-tiles: levels 0..63 in decimal without leading zeros; the index in 3-digit groups, all but the
// last prefixed with "x"; partial tiles end in ".p/<W>" with W in 1..255.
const MAX_LEVEL = 63;
const HASH_TILE_RE = /^tile\/(0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;
const ENTRIES_RE = /^tile\/entries\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/** A parsed tile path: a hash tile, or an entry bundle (which has no level). */
export type TilePath = ({ kind: 'hash' } & TileId) | { kind: 'entries'; index: bigint; width: number };

/** Tile index as path elements: 1234067 → `x001/x234/067`, 5 → `005`, 1000 → `x001/000`. */
export function encodeTileIndex(index: bigint): string {
  if (index < 0n) throw new MerkleError('INVALID_TILE', 'tile index must not be negative');
  let digits = index.toString();
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/.{3}/g) ?? [];
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function suffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new MerkleError('INVALID_TILE', `tile width ${width} is not in 1..256`);
  }
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]` for a hash tile. */
export function tilePath(id: TileId): string {
  if (!Number.isInteger(id.level) || id.level < 0 || id.level > MAX_LEVEL) {
    throw new MerkleError('INVALID_TILE', `tile level ${id.level} is not in 0..63`);
  }
  return `tile/${id.level}/${encodeTileIndex(id.index)}${suffix(id.width)}`;
}

/** `tile/entries/<N>[.p/<W>]` for an entry bundle. */
export function entryBundlePath(index: bigint, width: number): string {
  return `tile/entries/${encodeTileIndex(index)}${suffix(width)}`;
}

function parseIndex(elements: string): bigint {
  const index = BigInt(elements.replaceAll('x', '').replaceAll('/', ''));
  // Only the canonical spelling is accepted (no redundant leading 000 groups), so one tile has one path.
  if (encodeTileIndex(index) !== elements) throw new MerkleError('INVALID_TILE', `non-canonical tile index ${elements}`);
  return index;
}

function parseWidth(text: string | undefined): number {
  if (text === undefined) return TILE_WIDTH;
  const width = Number(text); // the pattern already excludes 0 and leading zeros
  if (width >= TILE_WIDTH) throw new MerkleError('INVALID_TILE', `partial width ${text} is not in 1..255`);
  return width;
}

/** Parses a tile path as produced by `tilePath` or `entryBundlePath` (no leading slash, no prefix). */
export function parseTilePath(path: string): TilePath {
  const entries = ENTRIES_RE.exec(path);
  if (entries) return { kind: 'entries', index: parseIndex(entries[1] as string), width: parseWidth(entries[2]) };
  const hash = HASH_TILE_RE.exec(path);
  if (!hash || Number(hash[1]) > MAX_LEVEL) throw new MerkleError('INVALID_TILE', `not a tile path: ${path}`);
  return { kind: 'hash', level: Number(hash[1]), index: parseIndex(hash[2] as string), width: parseWidth(hash[3]) };
}
