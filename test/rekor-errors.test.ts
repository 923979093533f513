// Rejected requests over HTTP: upstream's status and `{"code","message"}` body, and a tree that did not move.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { GO_OPENAPI_CODE } from '@sigbox/rekor';
import { databaseEngines } from '@sigbox/testkit';
import { type RekorHarness, type VerifiedEntry, b64, createEntry, expectRekorError, freshArtifact, intotoEntry, keyEntry, keyPem, signArtifact, startRekor, testKey, treeHead } from './helpers/rekor.js';

const ENTRY_UUID_PATTERN = '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$';
/** DEFAULT_BODY_LIMIT of the app (4 MiB, as rekor-tiles and Fulcio). */
const BODY_LIMIT = 4 * 1024 * 1024;

describe.each(databaseEngines())('Rekor v1 errors on %s', (engine) => {
  let rekor: RekorHarness;
  let first: VerifiedEntry;
  let firstProposed: ReturnType<typeof keyEntry>;
  let head: { treeSize: number; rootHash: string };

  beforeAll(async () => {
    rekor = await startRekor(engine);
    firstProposed = keyEntry();
    first = await createEntry(rekor, firstProposed);
    await createEntry(rekor, keyEntry());
  });
  afterAll(() => rekor.close());
  // Whatever was rejected, the tree is exactly as before.
  beforeEach(async () => {
    head = await treeHead(rekor.app);
  });
  afterEach(async () => {
    expect(await treeHead(rekor.app)).toEqual(head);
  });

  const post = (body: unknown) => request(rekor.app).post('/api/v1/log/entries').send(body as object);

  describe('POST /api/v1/log/entries', () => {
    it('400 for a signature that does not verify', async () => {
      const entry = keyEntry();
      const sig = encoding.fromBase64(entry.spec.signature.content);
      sig[sig.length - 5] = (sig[sig.length - 5] as number) ^ 1;
      entry.spec.signature.content = b64(sig);
      expectRekorError(await post(entry), 400, /^error processing entry: /);
    });

    it('400 for a signature by another key than the one submitted', async () => {
      const artifact = freshArtifact();
      const entry = keyEntry(artifact);
      entry.spec.signature.content = b64(signArtifact(testKey('ecdsa-p256'), artifact, 'sha256'));
      expectRekorError(await post(entry), 400, /^error processing entry: /);
    });

    it('400 for a digest of the wrong length for its algorithm', async () => {
      const entry = keyEntry();
      entry.spec.data.hash.value = entry.spec.data.hash.value.slice(0, 62);
      expectRekorError(await post(entry), 400, /^error processing entry: /);
      entry.spec.data.hash.algorithm = 'sha512';
      entry.spec.data.hash.value = 'ab'.repeat(32);
      expectRekorError(await post(entry), 400, /^error processing entry: /);
    });

    it('422 for a kind the ProposedEntry schema does not know, 400 for a known kind not enabled', async () => {
      expectRekorError(await post({ ...keyEntry(), kind: 'nope' }), 422, 'invalid kind value: "nope"');
      expectRekorError(await post({ ...keyEntry(), kind: 'rekord' }), 400, /^error processing entry: entry kind 'rekord' is not enabled/);
    });

    it('400 for a version of the kind that does not exist', async () => {
      expectRekorError(await post({ ...keyEntry(), apiVersion: '9.9.9' }), 400, /^error processing entry: hashedrekord implementation for version '9\.9\.9' not found/);
    });

    it('422 when kind, apiVersion or spec is missing (go-swagger binding)', async () => {
      const { kind: _k, ...noKind } = keyEntry();
      expectRekorError(await post(noKind), 422, 'kind in body is required', GO_OPENAPI_CODE.REQUIRED);
      const { spec: _s, ...noSpec } = keyEntry();
      expectRekorError(await post(noSpec), 422, 'spec in body is required', GO_OPENAPI_CODE.REQUIRED);
    });

    it('400 for malformed JSON', async () => {
      const res = await request(rekor.app).post('/api/v1/log/entries').set('Content-Type', 'application/json').send('{"kind":"hashedrekord",');
      expectRekorError(res, 400);
    });

    it('422 for a missing body: the proposedEntry parameter is required', async () => {
      expectRekorError(await request(rekor.app).post('/api/v1/log/entries'), 422, 'proposedEntry in body is required', GO_OPENAPI_CODE.REQUIRED);
      const empty = await request(rekor.app).post('/api/v1/log/entries').set('Content-Type', 'application/json').send('');
      expectRekorError(empty, 422, 'proposedEntry in body is required', GO_OPENAPI_CODE.REQUIRED);
    });

    it('413 for a body over 4 MiB', async () => {
      const entry = { ...keyEntry(), padding: 'x'.repeat(BODY_LIMIT) };
      expectRekorError(await post(entry), 413);
    });

    it('413 for an entry whose canonical body exceeds the 64 KiB of a tlog-tiles entry bundle slot', async () => {
      // The payload type is kept in the intoto body: a signed 70 000-character one makes a valid but oversized leaf.
      expectRekorError(await post(intotoEntry(undefined, `application/${'x'.repeat(70_000)}`)), 413, 'entry too large');
    });

    it('409 for a duplicate, with the Location of the original', async () => {
      const res = await post(firstProposed);
      expectRekorError(res, 409, `an equivalent entry already exists in the transparency log with UUID ${first.entryId}`);
      expect(res.headers.location).toBe(`/api/v1/log/entries/${first.entryId}`);
      // The same signature submitted with CRLF PEM line ends is the same canonical leaf.
      const crlf = structuredClone(firstProposed);
      crlf.spec.signature.publicKey.content = b64(encoding.fromUtf8(encoding.fromBase64(crlf.spec.signature.publicKey.content)).replaceAll('\n', '\r\n'));
      expectRekorError(await post(crlf), 409, `an equivalent entry already exists in the transparency log with UUID ${first.entryId}`);
    });
  });

  describe('GET /api/v1/log/entries?logIndex=', () => {
    it('404 with no body past the end', async () => {
      const res = await request(rekor.app).get('/api/v1/log/entries').query({ logIndex: head.treeSize });
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    });

    it('422 for a negative, non-numeric or missing logIndex', async () => {
      const get = (query: object) => request(rekor.app).get('/api/v1/log/entries').query(query);
      expectRekorError(await get({ logIndex: -1 }), 422, 'logIndex in query should be greater than or equal to 0', GO_OPENAPI_CODE.MIN);
      expectRekorError(await get({ logIndex: 'abc' }), 422, 'logIndex in query must be of type int64: "abc"', GO_OPENAPI_CODE.INVALID_TYPE);
      expectRekorError(await get({ logIndex: '1.5' }), 422, 'logIndex in query must be of type int64: "1.5"', GO_OPENAPI_CODE.INVALID_TYPE);
      expectRekorError(await get({}), 422, 'logIndex in query is required', GO_OPENAPI_CODE.REQUIRED);
    });
  });

  describe('GET /api/v1/log/entries/{entryUUID}', () => {
    it.each([
      ['too short', 'abc'],
      ['63 hex', 'a'.repeat(63)],
      ['65 hex', 'a'.repeat(65)],
      ['81 hex', 'a'.repeat(81)],
      ['not hex', 'g'.repeat(64)],
    ])('422 for a path that misses the pattern (%s)', async (_what, ref) => {
      const res = await request(rekor.app).get(`/api/v1/log/entries/${ref}`);
      expectRekorError(res, 422, `entryUUID in path should match '${ENTRY_UUID_PATTERN}'`, GO_OPENAPI_CODE.PATTERN);
    });

    it('400 for an 80-hex ID whose tree ID is no valid int64', async () => {
      for (const tree of ['ffffffffffffffff', '0000000000000000']) {
        expectRekorError(await request(rekor.app).get(`/api/v1/log/entries/${tree}${first.uuid}`), 400, /^validation error: /);
      }
    });
  });

  describe('POST /api/v1/log/entries/retrieve', () => {
    const retrieve = (body: object) => request(rekor.app).post('/api/v1/log/entries/retrieve').send(body);

    it('422 for more than 10 items in all', async () => {
      const uuids = Array.from({ length: 6 }, (_, i) => encoding.toHex(sha256(encoding.utf8(String(i)))));
      expectRekorError(await retrieve({ entryUUIDs: uuids, logIndexes: [0, 1, 2, 3, 4] }), 422, 'more than max allowed 10 entries in request');
    });

    it('422 for a missing body or a negative index', async () => {
      expectRekorError(await request(rekor.app).post('/api/v1/log/entries/retrieve'), 422, 'entry in body is required', GO_OPENAPI_CODE.REQUIRED);
      expectRekorError(await retrieve({ logIndexes: [0, -1] }), 422, 'logIndexes.1 in body should be greater than or equal to 0', GO_OPENAPI_CODE.MIN);
    });

    it('422 for a malformed UUID, 400 for an entry ID with an invalid tree ID, 400 for an entry that is not one', async () => {
      expectRekorError(await retrieve({ entryUUIDs: ['xyz'] }), 422, `entryUUIDs.0 in body should match '${ENTRY_UUID_PATTERN}'`, GO_OPENAPI_CODE.PATTERN);
      expectRekorError(await retrieve({ entryUUIDs: [`ffffffffffffffff${first.uuid}`] }), 400);
      const bad = keyEntry();
      bad.spec.signature.content = b64(new Uint8Array(64));
      expectRekorError(await retrieve({ entries: [bad] }), 400);
    });
  });

  describe('POST /api/v1/index/retrieve', () => {
    it('422 for no body or a malformed hash, 400 for an unsupported key format or an unparsable key', async () => {
      const search = (body: object) => request(rekor.app).post('/api/v1/index/retrieve').send(body);
      expectRekorError(await request(rekor.app).post('/api/v1/index/retrieve'), 422, 'query in body is required', GO_OPENAPI_CODE.REQUIRED);
      expectRekorError(await search({ hash: 'sha256:abc' }), 422, /^hash in body should match/, GO_OPENAPI_CODE.PATTERN);
      expectRekorError(await search({ publicKey: { format: 'ssh', content: b64('ssh-ed25519 AAAA') } }), 400);
      expectRekorError(await search({ publicKey: { format: 'x509', content: b64('not a key') } }), 400);
      expectRekorError(await search({ operator: 'xor', email: 'a@b.c' }), 422, /^operator in body should be one of/, GO_OPENAPI_CODE.ENUM);
    });
  });

  describe('GET /api/v1/log/proof', () => {
    const proof = (query: object) => request(rekor.app).get('/api/v1/log/proof').query(query);

    it('400 for a lastSize beyond the tree', async () => {
      const last = head.treeSize + 1;
      expectRekorError(await proof({ lastSize: last }), 400, `the tree size requested(${last}) was greater than what is currently observable(${head.treeSize})`);
    });

    it('400 when firstSize is greater than lastSize', async () => {
      expectRekorError(await proof({ firstSize: 2, lastSize: 1 }), 400, 'firstSize(2) must be less than lastSize(1)');
    });

    it('422 for sizes below 1 or not numbers, and for a missing lastSize', async () => {
      expectRekorError(await proof({ firstSize: 0, lastSize: 1 }), 422, 'firstSize in query should be greater than or equal to 1', GO_OPENAPI_CODE.MIN);
      expectRekorError(await proof({ lastSize: 'x' }), 422, 'lastSize in query must be of type int64: "x"', GO_OPENAPI_CODE.INVALID_TYPE);
      expectRekorError(await proof({ firstSize: 1 }), 422, 'lastSize in query is required', GO_OPENAPI_CODE.REQUIRED);
    });

    it('400 for an unknown tree ID', async () => {
      const other = rekor.log.treeId === 1n ? 2n : rekor.log.treeId - 1n;
      expectRekorError(await proof({ lastSize: 1, treeID: other.toString() }), 400);
    });
  });

  describe('GET /api/v1/log/publicKey', () => {
    it('400 for an unknown tree ID', async () => {
      const other = rekor.log.treeId === 1n ? 2n : rekor.log.treeId - 1n;
      const res = await request(rekor.app).get('/api/v1/log/publicKey').query({ treeID: other.toString() });
      expectRekorError(res, 400);
      expect(res.text).not.toContain(keyPem(rekor.signer.publicKey));
    });
  });

  describe('unknown paths', () => {
    it.each([
      ['GET', '/api/v1/log/nope'],
      ['POST', '/api/v1/log/nope'],
      ['GET', '/api/v1/index/nope'],
      ['DELETE', '/api/v1/log/entries'],
    ])('%s %s: 404 JSON in the go-openapi wording', async (method, path) => {
      const res = await request(rekor.app)[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
      expectRekorError(res, 404, `path ${path} was not found`);
    });
  });
});
