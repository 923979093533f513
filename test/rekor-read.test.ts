// The Rekor v1 read endpoints over HTTP: entries by index and UUID, searches, log info, consistency proofs, key.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, sha256 } from '@sigbox/core';
import { isValidConsistency } from '@sigbox/merkle';
import { databaseEngines } from '@sigbox/testkit';
import {
  type RekorHarness,
  type VerifiedEntry,
  b64,
  certEntry,
  createEntry,
  dsseEntry,
  freshArtifact,
  keyEntry,
  keyPem,
  openLogCheckpoint,
  startRekor,
  testKey,
  verifyLogEntry,
} from './helpers/rekor.js';

describe.each(databaseEngines())('Rekor v1 reads on %s', (engine) => {
  let rekor: RekorHarness;
  const ownKey = testKey('ecdsa-p256');
  const artifact = freshArtifact('shared');
  let byKey: VerifiedEntry; // hashedrekord by ownKey over `artifact`
  let byCert: VerifiedEntry; // hashedrekord by a certificate for alice@example.com over `artifact`
  let others: VerifiedEntry[];
  let proposed: unknown; // byKey's proposed entry

  beforeAll(async () => {
    rekor = await startRekor(engine);
    proposed = keyEntry(artifact, ownKey);
    byKey = await createEntry(rekor, proposed);
    byCert = await createEntry(rekor, (await certEntry('Alice@Example.com', artifact)).entry);
    others = [];
    for (const entry of [keyEntry(), dsseEntry(), keyEntry()]) others.push(await createEntry(rekor, entry));
  });
  afterAll(() => rekor.close());

  const app = () => rekor.app;
  const all = () => [byKey, byCert, ...others];

  describe('GET /api/v1/log/entries?logIndex=', () => {
    it('answers each entry by index, with a proof at the latest size', async () => {
      for (const [index, expected] of all().entries()) {
        const res = await request(app()).get('/api/v1/log/entries').query({ logIndex: index }).expect(200);
        const got = verifyLogEntry(rekor, res.body);
        expect(got.entryId).toBe(expected.entryId);
        expect(got.value.logIndex).toBe(index);
        expect(got.value.verification.inclusionProof.treeSize).toBe(all().length);
      }
    });

    it('answers byte for byte what the entry serializes to, as retrieve answers it', async () => {
      for (const index of all().keys()) {
        const res = await request(app()).get(`/api/v1/log/entries?logIndex=${index}`).expect(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.text).toBe(JSON.stringify(await rekor.log.getEntryByIndex(BigInt(index))));
        const retrieved = await request(app()).post('/api/v1/log/entries/retrieve').send({ logIndexes: [index] }).expect(200);
        expect(retrieved.body).toEqual([JSON.parse(res.text)]);
      }
    });

    it('answers 422 for a bad index and 404 with no body beyond the tree', async () => {
      await request(app()).get('/api/v1/log/entries?logIndex=-1').expect(422);
      await request(app()).get('/api/v1/log/entries?logIndex=x').expect(422);
      const beyond = await request(app()).get(`/api/v1/log/entries?logIndex=${all().length}`).expect(404);
      expect(beyond.text).toBe('');
    });
  });

  describe('GET /api/v1/log/entries/{entryUUID}', () => {
    it('finds an entry by its 80-hex entry ID, its 64-hex UUID, and either in upper case', async () => {
      for (const ref of [byCert.entryId, byCert.uuid, byCert.entryId.toUpperCase(), byCert.uuid.toUpperCase()]) {
        const res = await request(app()).get(`/api/v1/log/entries/${ref}`).expect(200);
        // Always keyed by the canonical lower-case 80-hex ID.
        expect(verifyLogEntry(rekor, res.body).entryId).toBe(byCert.entryId);
      }
    });

    it('answers 404 with no body for an unknown UUID and for a known UUID under another tree ID', async () => {
      const unknown = encoding.toHex(sha256(encoding.utf8('not in the log')));
      const otherTree = (rekor.log.treeId === 1n ? 2n : 1n).toString(16).padStart(16, '0');
      for (const ref of [unknown, `${byKey.entryId.slice(0, 16)}${unknown}`, `${otherTree}${byKey.uuid}`]) {
        const res = await request(app()).get(`/api/v1/log/entries/${ref}`);
        expect(res.status).toBe(404);
        expect(res.text).toBe('');
      }
    });
  });

  describe('POST /api/v1/log/entries/retrieve', () => {
    it('finds entries by UUID, entry ID, index and proposed entry, in that order, omitting misses', async () => {
      const missing = encoding.toHex(sha256(encoding.utf8('missing')));
      for (const url of ['/api/v1/log/entries/retrieve', '/api/v1/log/entries/retrieve/']) {
        const res = await request(app())
          .post(url)
          .send({ entryUUIDs: [byCert.uuid, others[0]?.entryId, missing], logIndexes: [4, 99], entries: [proposed] })
          .expect(200);
        expect(Array.isArray(res.body)).toBe(true);
        const found = (res.body as unknown[]).map((e) => verifyLogEntry(rekor, e).entryId);
        expect(found).toEqual([byCert.entryId, others[0]?.entryId, byKey.entryId, others[2]?.entryId]);
      }
    });

    it('answers an empty array when nothing matches, and treats null lists as absent', async () => {
      const res = await request(app())
        .post('/api/v1/log/entries/retrieve')
        .send({ entryUUIDs: [encoding.toHex(sha256(encoding.utf8('x')))], logIndexes: null, entries: null })
        .expect(200);
      expect(res.body).toEqual([]);
    });

    it('finds a dsse entry by its stored (canonical) form', async () => {
      const body = JSON.parse(encoding.fromUtf8(others[1]?.body as Uint8Array));
      const res = await request(app()).post('/api/v1/log/entries/retrieve').send({ entries: [body] }).expect(200);
      expect(res.body.map((e: unknown) => verifyLogEntry(rekor, e).entryId)).toEqual([others[1]?.entryId]);
    });
  });

  describe('POST /api/v1/index/retrieve', () => {
    const search = (query: object) => request(app()).post('/api/v1/index/retrieve').send(query).expect(200);
    const sorted = (ids: string[]) => [...ids].sort();

    it('finds both signatures of one artifact by its hash, with or without the prefix, in any case', async () => {
      const hex = (proposed as { spec: { data: { hash: { value: string } } } }).spec.data.hash.value;
      for (const hash of [hex, `sha256:${hex}`, hex.toUpperCase()]) {
        expect(sorted((await search({ hash })).body)).toEqual(sorted([byKey.entryId, byCert.entryId]));
      }
      expect((await search({ hash: 'f'.repeat(64) })).body).toEqual([]);
    });

    it('finds the certificate entry by its email SAN, case-insensitively', async () => {
      expect((await search({ email: 'alice@example.com' })).body).toEqual([byCert.entryId]);
      expect((await search({ email: 'ALICE@example.COM' })).body).toEqual([byCert.entryId]);
      expect((await search({ email: 'bob@example.com' })).body).toEqual([]);
    });

    it('finds entries by x509 public key', async () => {
      const publicKey = { format: 'x509', content: b64(keyPem(ownKey.publicKey)) };
      expect((await search({ publicKey })).body).toEqual([byKey.entryId]);
    });

    it('finds a SAN as subject too, and dsse entries by payload hash but (as upstream) not by key', async () => {
      expect((await search({ subject: 'alice@example.com' })).body).toEqual([byCert.entryId]);
      const dsse = JSON.parse(encoding.fromUtf8(others[1]?.body as Uint8Array)) as { spec: { payloadHash: { value: string }; signatures: Array<{ verifier: string }> } };
      expect((await search({ hash: `sha256:${dsse.spec.payloadHash.value}` })).body).toEqual([others[1]?.entryId]);
      // dsse verifier keys are indexed with a sha256: prefix that publicKey lookups never use (rekor v1.5.4:
      // pkg/types/dsse/v0.0.1/entry.go IndexKeys adds it, pkg/api/index.go looks keys up without it).
      const byDsseKey = (await search({ publicKey: { format: 'x509', content: dsse.spec.signatures[0]?.verifier } })).body as string[];
      expect(byDsseKey).not.toContain(others[1]?.entryId);
      expect(sorted(byDsseKey)).toEqual(sorted([others[0]?.entryId, others[2]?.entryId] as string[]));
    });

    it('combines criteria with or (default) and and', async () => {
      const hash = (proposed as { spec: { data: { hash: { value: string } } } }).spec.data.hash.value;
      const publicKey = { format: 'x509', content: b64(keyPem(ownKey.publicKey)) };
      expect((await search({ hash, email: 'alice@example.com', operator: 'and' })).body).toEqual([byCert.entryId]);
      expect((await search({ publicKey, email: 'alice@example.com', operator: 'and' })).body).toEqual([]);
      expect(sorted((await search({ publicKey, email: 'alice@example.com' })).body)).toEqual(sorted([byKey.entryId, byCert.entryId]));
      expect(sorted((await search({ publicKey, email: 'alice@example.com', operator: 'or' })).body)).toEqual(sorted([byKey.entryId, byCert.entryId]));
    });
  });

  describe('GET /api/v1/log', () => {
    it('answers size, root, tree ID and a checkpoint over them', async () => {
      const res = await request(app()).get('/api/v1/log').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['rootHash', 'signedTreeHead', 'treeID', 'treeSize']);
      expect(res.body.treeID).toBe(rekor.log.treeId.toString());
      expect(res.body.treeSize).toBe(all().length);
      const checkpoint = openLogCheckpoint(rekor, res.body.signedTreeHead);
      expect(checkpoint.origin).toBe(`rekor.test - ${rekor.log.treeId}`);
      expect(checkpoint.size).toBe(BigInt(all().length));
      expect(encoding.toHex(checkpoint.rootHash)).toBe(res.body.rootHash);
    });
  });

  describe('GET /api/v1/log/proof', () => {
    it('proves every earlier size consistent with the latest root, firstSize defaulting to 1', async () => {
      const last = all().length;
      const latest = (await request(app()).get('/api/v1/log').expect(200)).body;
      for (const entry of all()) {
        const size = entry.value.verification.inclusionProof.treeSize; // the size when it was created
        const root = encoding.fromHex(entry.value.verification.inclusionProof.rootHash);
        const query = size === 1 ? { lastSize: last } : { firstSize: size, lastSize: last };
        const res = await request(app()).get('/api/v1/log/proof').query(query).expect(200);
        expect(res.body.rootHash).toBe(latest.rootHash);
        const proof = (res.body.hashes as string[]).map((h) => encoding.fromHex(h));
        expect(isValidConsistency(BigInt(size), BigInt(last), proof, root, encoding.fromHex(latest.rootHash))).toBe(true);
        const otherRoot = encoding.fromHex(others[2]?.uuid as string); // a hash that is no root of this log
        expect(isValidConsistency(BigInt(size), BigInt(last), proof, otherRoot, encoding.fromHex(latest.rootHash))).toBe(false);
      }
    });

    it('answers the root at lastSize and an empty proof for equal sizes', async () => {
      const res = await request(app()).get('/api/v1/log/proof').query({ firstSize: 2, lastSize: 2 }).expect(200);
      expect(res.body).toEqual({ rootHash: byCert.value.verification.inclusionProof.rootHash, hashes: [] });
      const withTree = await request(app()).get('/api/v1/log/proof').query({ lastSize: 2, treeID: rekor.log.treeId.toString() }).expect(200);
      expect(withTree.body.rootHash).toBe(byCert.value.verification.inclusionProof.rootHash);
    });
  });

  describe('GET /api/v1/log/publicKey', () => {
    it('answers the log key as PEM, for no tree ID and for its own', async () => {
      for (const query of [{}, { treeID: rekor.log.treeId.toString() }]) {
        const res = await request(app()).get('/api/v1/log/publicKey').query(query).expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/x-pem-file/);
        expect(res.text).toBe(keyPem(rekor.signer.publicKey));
        expect(res.text.startsWith('-----BEGIN PUBLIC KEY-----\n')).toBe(true);
      }
    });
  });
});
