// The Rekor API's limits over HTTP: a DSSE envelope asking for more verification than allowed is a 400 in
// upstream's wording, and an index search answers at most MAX_SEARCH_INDEX_RESULTS entry IDs, newest first,
// intersecting (`and`) and uniting (`or`) in the database.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { MAX_DSSE_SIGNATURES, MAX_SEARCH_INDEX_RESULTS, entryId } from '@sigbox/rekor';
import { databaseEngines } from '@sigbox/testkit';
import { type RekorHarness, expectRekorError, startRekor, treeHead } from './helpers/rekor.js';
import { repeatedVerifierDsse } from './helpers/worst-entries.js';

describe.each(databaseEngines())('Rekor v1 limits on %s', (engine) => {
  let rekor: RekorHarness;
  beforeAll(async () => {
    rekor = await startRekor(engine);
  });
  afterAll(() => rekor.close());

  it('answers the finding’s DSSE entry (300 signatures, one key 300 times) 400 before verifying any, and logs nothing', async () => {
    const before = await treeHead(rekor.app);
    const proposed = repeatedVerifierDsse();
    const res = await request(rekor.app).post('/api/v1/log/entries').send(proposed);
    expectRekorError(res, 400, `error processing entry: DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`);
    const search = await request(rekor.app).post('/api/v1/log/entries/retrieve').send({ entries: [proposed] });
    expectRekorError(search, 400, `DSSE envelope must contain at most ${MAX_DSSE_SIGNATURES} signatures`);
    expect(await treeHead(rekor.app)).toEqual(before);
  });

  describe('POST /api/v1/index/retrieve over many matches', () => {
    const beyond = MAX_SEARCH_INDEX_RESULTS + 50;
    const email = 'busy@example.com';
    const hash = `sha256:${'e'.repeat(64)}`;
    /** Entry IDs by log index; every entry carries the email, every third one the hash too. */
    const ids: string[] = [];

    beforeAll(async () => {
      // Straight into the tree: the search reads keys and leaf hashes only, and a thousand signed creates would
      // spend the run on signatures.
      const added = await Promise.all(
        Array.from({ length: beyond }, (_, i) => rekor.log.tree.add({ data: encoding.utf8(`searched ${i}`), keys: i % 3 === 0 ? [email, hash] : [email] })),
      );
      for (const a of added) ids[Number(a.index)] = entryId(rekor.log.treeId, a.leafHash);
    }, 120_000);

    const search = async (query: object) => (await request(rekor.app).post('/api/v1/index/retrieve').send(query).expect(200)).body as string[];
    const newestFirst = (indices: number[]) => indices.sort((a, b) => b - a).map((i) => ids[i]);
    const indicesWhere = (keep: (i: number) => boolean) => ids.flatMap((id, i) => (id !== undefined && keep(i) ? [i] : []));

    it(`answers the newest ${MAX_SEARCH_INDEX_RESULTS} of ${beyond} matches, newest first`, async () => {
      const all = indicesWhere(() => true);
      expect(all).toHaveLength(beyond);
      expect(await search({ email })).toEqual(newestFirst(all).slice(0, MAX_SEARCH_INDEX_RESULTS));
    });

    it('intersects with and, unites with or, each capped the same way', async () => {
      const withHash = indicesWhere((i) => i % 3 === 0);
      expect(await search({ email, hash, operator: 'and' })).toEqual(newestFirst(withHash));
      expect(await search({ hash, subject: 'nobody@example.com', operator: 'and' })).toEqual([]);
      expect(await search({ email, hash, operator: 'or' })).toEqual(newestFirst(indicesWhere(() => true)).slice(0, MAX_SEARCH_INDEX_RESULTS));
      // The email given as subject too is one key: and still finds every entry carrying it.
      expect(await search({ email, subject: email, operator: 'and' })).toHaveLength(MAX_SEARCH_INDEX_RESULTS);
    });
  });
});
