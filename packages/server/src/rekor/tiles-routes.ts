import { type LogTree } from '@sigbox/log';
import { TILE_WIDTH, parseTilePath } from '@sigbox/merkle';
import type { Request, Response, Router } from 'express';

/** Where the Rekor tree is readable as C2SP tlog-tiles (openapi/rekor-v1.yaml). */
export const TILES_PREFIX = '/api/v1/log/tiles';
/** Full tiles never change: a CDN or mirror may keep them forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Partial tiles and the checkpoint move on with every integration. */
const SHORT_LIVED = 'public, max-age=5';

function pathOf(req: Request): string | undefined {
  const splat = (req.params as Record<string, unknown>).path;
  return Array.isArray(splat) ? splat.join('/') : undefined;
}

function sendTile(res: Response, body: Uint8Array | undefined, width: number): void {
  if (!body) {
    res.status(404).end();
    return;
  }
  res.set('Cache-Control', width === TILE_WIDTH ? IMMUTABLE : SHORT_LIVED).type('application/octet-stream').send(Buffer.from(body));
}

/**
 * The C2SP tlog-tiles read API for a tree: checkpoint, hash tiles and entry bundles, with caching headers that
 * let monitors, witnesses and mirrors read the log without touching the write path.
 *
 * @see https://c2sp.org/tlog-tiles
 */
export function mountTileRoutes(router: Router, tree: LogTree, prefix = TILES_PREFIX): void {
  router.get(`${prefix}/checkpoint`, async (_req, res) => {
    const { checkpoint } = await tree.latest();
    res.set('Cache-Control', SHORT_LIVED).type('text/plain; charset=utf-8').send(checkpoint);
  });
  // One splat route: tile paths span several segments (`tile/1/x001/234.p/17`) and entries must win over levels.
  router.get(`${prefix}/tile/*path`, async (req, res) => {
    let parsed;
    try {
      parsed = parseTilePath(`tile/${pathOf(req) ?? ''}`);
    } catch {
      res.status(404).end();
      return;
    }
    if (parsed.kind === 'entries') sendTile(res, await tree.entryBundle(parsed.index, parsed.width), parsed.width);
    else sendTile(res, await tree.tile(parsed.level, parsed.index, parsed.width), parsed.width);
  });
}
