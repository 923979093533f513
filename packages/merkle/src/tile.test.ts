import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TILE_WIDTH, partialTileWidth, tileFromBytes, tileToBytes, tileWidth, tilesOfTree } from './tile.js';
import { encodeTileIndex, entryBundlePath, parseTilePath, tilePath } from './tile-path.js';
import { errorCode } from './__fixtures__/error-code.js';

describe('tile paths (C2SP tlog-tiles)', () => {
  it('encodes indices in 3-digit groups, x-prefixed but the last', () => {
    expect(encodeTileIndex(1234067n)).toBe('x001/x234/067');
    expect(encodeTileIndex(5n)).toBe('005');
    expect(encodeTileIndex(1000n)).toBe('x001/000');
    expect(encodeTileIndex(0n)).toBe('000');
    expect(encodeTileIndex(2n ** 64n - 1n)).toBe('x018/x446/x744/x073/x709/x551/615');
  });

  it('writes and parses full and partial hash tiles and entry bundles', () => {
    expect(tilePath({ level: 0, index: 1234067n, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 0n, width: 1 })).toBe('tile/2/000.p/1');
    expect(entryBundlePath(273n, 112)).toBe('tile/entries/273.p/112');
    expect(parseTilePath('tile/0/x001/x234/067.p/112')).toEqual({ kind: 'hash', level: 0, index: 1234067n, width: 112 });
    expect(parseTilePath('tile/63/000')).toEqual({ kind: 'hash', level: 63, index: 0n, width: 256 });
    expect(parseTilePath('tile/entries/x001/000')).toEqual({ kind: 'entries', index: 1000n, width: 256 });
  });

  it.each([
    'tile/0/5',
    'tile/00/005',
    'tile/64/005',
    'tile/0/x000/005',
    'tile/0/005.p/0',
    'tile/0/005.p/256',
    'tile/0/005.p/012',
    'tile/0/x005',
    '/tile/0/005',
    'tile/entries/005.p/',
  ])('rejects %s', (path) => {
    expect(errorCode(() => parseTilePath(path))).toBe('INVALID_TILE');
  });

  it('rejects widths and levels it cannot write', () => {
    expect(errorCode(() => tilePath({ level: 0, index: 0n, width: 0 }))).toBe('INVALID_TILE');
    expect(errorCode(() => tilePath({ level: 64, index: 0n, width: 1 }))).toBe('INVALID_TILE');
    expect(errorCode(() => encodeTileIndex(-1n))).toBe('INVALID_TILE');
  });
});

describe('tile widths', () => {
  it('matches the 70 000-leaf example of C2SP tlog-tiles (Partial Tiles)', () => {
    expect([0, 1, 2, 3].map((l) => partialTileWidth(l, 70_000n))).toEqual([112, 17, 1, 0]);
    const tiles = [...tilesOfTree(70_000n)];
    expect(tiles.filter((t) => t.level === 0 && t.width === TILE_WIDTH)).toHaveLength(273);
    expect(tiles.filter((t) => t.level > 0 || t.width < TILE_WIDTH)).toEqual([
      { level: 0, index: 273n, width: 112 },
      { level: 1, index: 0n, width: 256 },
      { level: 1, index: 1n, width: 17 },
      { level: 2, index: 0n, width: 1 },
    ]);
    expect(tileWidth(0, 272n, 70_000n)).toBe(256);
    expect(tileWidth(0, 273n, 70_000n)).toBe(112);
    expect(tileWidth(0, 274n, 70_000n)).toBe(0);
  });

  it('has no tiles for the empty tree and no partial at exact multiples', () => {
    expect([...tilesOfTree(0n)]).toEqual([]);
    expect([...tilesOfTree(65_536n)].filter((t) => t.width < TILE_WIDTH)).toEqual([{ level: 2, index: 0n, width: 1 }]);
  });
});

describe('tile bodies', () => {
  it('round-trips concatenated hashes, copying them', () => {
    const hashes = Array.from({ length: 3 }, () => crypto.randomBytes(32));
    const bytes = tileToBytes({ level: 1, index: 7n, hashes });
    expect(bytes).toHaveLength(96);
    const tile = tileFromBytes(1, 7n, bytes);
    expect(tile.hashes.map((h) => Buffer.from(h).toString('hex'))).toEqual(hashes.map((h) => h.toString('hex')));
    bytes.fill(0);
    expect(Buffer.from(tile.hashes[0] as Uint8Array).equals(hashes[0] as Buffer)).toBe(true);
  });

  it('keeps the hashes of a tile in one buffer of their own, not one per hash nor the pool of the caller', () => {
    const pooled = Buffer.from(crypto.randomBytes(64)); // small Buffers share Node's 8 KiB pool
    const tile = tileFromBytes(0, 0n, pooled);
    expect(new Set(tile.hashes.map((h) => h.buffer)).size).toBe(1);
    expect(tile.hashes[0]?.buffer.byteLength).toBe(64);
    expect(Buffer.from(tileToBytes(tile)).equals(pooled)).toBe(true);
  });

  it.each([0, 31, 33, 257 * 32])('rejects a body of %i bytes', (n) => {
    expect(errorCode(() => tileFromBytes(0, 0n, new Uint8Array(n)))).toBe('INVALID_TILE');
  });
});
