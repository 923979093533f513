// A client of the C2SP tlog-tiles read API that knows nothing but the tiles: fetches tiles and entry bundles through
// the app (checking content type and caching), for the v1 (/api/v1/log/tiles) and v2 (/api/v2) mounts alike.
import type { RequestListener } from 'node:http';
import request from 'supertest';
import { expect } from 'vitest';
import { type Tile, TILE_WIDTH, type TileId, tileFromBytes, tilePath } from '@sigbox/merkle';

export const IMMUTABLE = /\bimmutable\b/;

/** GET `url` with the body kept as bytes. */
export async function getBytes(app: RequestListener, url: string): Promise<request.Response> {
  return request(app)
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** Fetches every tile of `ids` from the read API at `prefix`, as a tile-reading client would, into a TileReader. */
export async function fetchTiles(app: RequestListener, prefix: string, ids: readonly TileId[]) {
  const tiles = new Map<string, Tile>();
  for (const id of ids) {
    const res = await getBytes(app, `${prefix}/${tilePath(id)}`);
    expect(res.status, tilePath(id)).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['cache-control']).toMatch(id.width === TILE_WIDTH ? IMMUTABLE : /max-age=\d+$/);
    const tile = tileFromBytes(id.level, id.index, new Uint8Array(res.body as Buffer));
    expect(tile.hashes).toHaveLength(id.width);
    tiles.set(`${id.level}/${id.index}`, tile);
  }
  return (level: number, index: bigint) => tiles.get(`${level}/${index}`);
}

