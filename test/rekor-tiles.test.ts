// The tlog-tiles read API under /api/v1/log/tiles: a client that only reads tiles rebuilds the same proofs and
// sees the same tree as the v1 API (C2SP tlog-tiles v0.1.0; RFC 9162 §2.1.3 inclusion proofs).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { TILE_WIDTH, entryBundlePath, inclusionProof, inclusionProofTiles, parseEntryBundle, rootFromTiles, tileFromBytes, tilesNeededForAppend } from '@sigbox/merkle';
import { databaseEngines } from '@sigbox/testkit';
import { IMMUTABLE, fetchTiles, getBytes } from './helpers/tiles.js';
import { type RekorHarness, type VerifiedEntry, createEntry, keyEntry, openLogCheckpoint, startRekor, verifyLogEntry } from './helpers/rekor.js';

const TILES = '/api/v1/log/tiles';
/** More than one full level-0 tile, so there is a full tile, a partial one and a level-1 tile. */
const ENTRIES = TILE_WIDTH + 44;
/** Concurrent POSTs per wave: enough to fill batches, few enough for the default pushback limit. */
const WAVE = 60;

describe.each(databaseEngines())('tlog-tiles on %s', (engine) => {
  let rekor: RekorHarness;
  let created: VerifiedEntry[];
  beforeAll(async () => {
    rekor = await startRekor(engine);
    created = [];
    while (created.length < ENTRIES) {
      const wave = Math.min(WAVE, ENTRIES - created.length);
      created.push(...(await Promise.all(Array.from({ length: wave }, () => createEntry(rekor, keyEntry())))));
    }
    created.sort((a, b) => a.value.logIndex - b.value.logIndex);
  }, 120_000);
  afterAll(() => rekor.close());

  it('filled the tree gaplessly', () => {
    expect(created.map((c) => c.value.logIndex)).toEqual(Array.from({ length: ENTRIES }, (_, i) => i));
  });

  it('serves the same checkpoint as GET /api/v1/log, and a root the tiles reproduce', async () => {
    const info = (await request(rekor.app).get('/api/v1/log').expect(200)).body;
    const res = await request(rekor.app).get(`${TILES}/checkpoint`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).not.toMatch(IMMUTABLE);
    expect(res.text).toBe(info.signedTreeHead);
    const checkpoint = openLogCheckpoint(rekor, res.text);
    expect(checkpoint.size).toBe(BigInt(ENTRIES));
    const size = checkpoint.size;
    const read = await fetchTiles(rekor.app, TILES, tilesNeededForAppend(size));
    expect(encoding.toHex(rootFromTiles(size, read))).toBe(info.rootHash);
    expect(encoding.toHex(checkpoint.rootHash)).toBe(info.rootHash);
  });

  it('rebuilds from tiles alone the inclusion proof each POST returned', async () => {
    // A sample across the full tile, the partial tile and their border.
    for (const index of [0, 1, 100, 255, 256, 257, ENTRIES - 1]) {
      const entry = created[index] as VerifiedEntry;
      const size = BigInt(entry.value.verification.inclusionProof.treeSize);
      const read = await fetchTiles(rekor.app, TILES, inclusionProofTiles(BigInt(index), size));
      expect(inclusionProof(BigInt(index), size, read).map((h) => encoding.toHex(h))).toEqual(entry.value.verification.inclusionProof.hashes);
    }
  });

  it('proves a GET entry against the latest tree from tiles as well', async () => {
    const res = await request(rekor.app).get('/api/v1/log/entries').query({ logIndex: 3 }).expect(200);
    const entry = verifyLogEntry(rekor, res.body);
    const size = BigInt(entry.value.verification.inclusionProof.treeSize);
    expect(size).toBe(BigInt(ENTRIES));
    const read = await fetchTiles(rekor.app, TILES, inclusionProofTiles(3n, size));
    expect(inclusionProof(3n, size, read)).toEqual(entry.proof);
  });

  it('serves entry bundles holding the canonical bodies: the full one immutable, the partial one short-lived', async () => {
    const full = await getBytes(rekor.app, `${TILES}/${entryBundlePath(0n, TILE_WIDTH)}`);
    expect(full.status).toBe(200);
    expect(full.headers['cache-control']).toMatch(IMMUTABLE);
    expect(parseEntryBundle(new Uint8Array(full.body as Buffer))).toEqual(created.slice(0, TILE_WIDTH).map((c) => c.body));

    const width = ENTRIES - TILE_WIDTH;
    const partial = await getBytes(rekor.app, `${TILES}/${entryBundlePath(1n, width)}`);
    expect(partial.status).toBe(200);
    expect(partial.headers['cache-control']).toMatch(/max-age=\d+$/);
    expect(partial.headers['cache-control']).not.toMatch(IMMUTABLE);
    expect(parseEntryBundle(new Uint8Array(partial.body as Buffer))).toEqual(created.slice(TILE_WIDTH).map((c) => c.body));
    // A smaller width of the same bundle is a prefix (what a client holding an older checkpoint asks for).
    const older = await getBytes(rekor.app, `${TILES}/${entryBundlePath(1n, 3)}`);
    expect(parseEntryBundle(new Uint8Array(older.body as Buffer))).toEqual(created.slice(TILE_WIDTH, TILE_WIDTH + 3).map((c) => c.body));
  });

  it('serves a full tile immutable and a partial tile short-lived, each the leaf hashes', async () => {
    const full = await getBytes(rekor.app, `${TILES}/tile/0/000`);
    expect(full.status).toBe(200);
    expect(full.headers['cache-control']).toMatch(IMMUTABLE);
    expect(tileFromBytes(0, 0n, new Uint8Array(full.body as Buffer)).hashes).toEqual(created.slice(0, TILE_WIDTH).map((c) => c.leafHash));
    const partial = await getBytes(rekor.app, `${TILES}/tile/0/001.p/${ENTRIES - TILE_WIDTH}`);
    expect(partial.headers['cache-control']).not.toMatch(IMMUTABLE);
    expect(tileFromBytes(0, 1n, new Uint8Array(partial.body as Buffer)).hashes).toEqual(created.slice(TILE_WIDTH).map((c) => c.leafHash));
  });

  it.each([
    ['a partial tile wider than the tree', `tile/0/001.p/${ENTRIES - TILE_WIDTH + 1}`],
    ['a full tile not yet complete', 'tile/0/001'],
    ['a tile past the end', 'tile/0/002.p/1'],
    ['a level the tree does not reach', 'tile/2/000.p/1'],
    ['an entry bundle past the end', 'tile/entries/002.p/1'],
    ['an entry bundle wider than the tree', `tile/entries/001.p/${ENTRIES - TILE_WIDTH + 1}`],
  ])('404 for %s', async (_what, tile) => {
    const res = await request(rekor.app).get(`${TILES}/${tile}`);
    expect(res.status).toBe(404);
  });

  it.each([
    ['a non-canonical index', 'tile/0/0'],
    ['a redundant leading group', 'tile/0/x000/001'],
    ['width 0', 'tile/0/001.p/0'],
    ['width 256 as partial', 'tile/0/001.p/256'],
    ['a leading-zero width', 'tile/0/001.p/044'],
    ['level 64', 'tile/64/000'],
    ['a letter', 'tile/a/000'],
    ['nothing', 'tile/'],
  ])('404 for the malformed path with %s', async (_what, tile) => {
    const res = await request(rekor.app).get(`${TILES}/${tile}`);
    expect(res.status).toBe(404);
  });
});
