// The Rekor v2 API through the real app and pipeline, on PGlite and Postgres: POST /api/v2/log/entries answers as
// rekor-tiles does (201 TransparencyLogEntry, 409 + X-Log-Index, 400 google.rpc.Status, 405 when frozen), and a
// client that reads only the C2SP tiles at /api/v2 rebuilds every returned proof under a checkpoint the vkey opens.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { TILE_WIDTH, entryBundlePath, formatSignedNote, parseEntryBundle, parseSignedNote, inclusionProof, inclusionProofTiles, rootFromTiles, tileFromBytes, tilesNeededForAppend } from '@sigbox/merkle';
import type { TransparencyLogEntryJson } from '@sigbox/rekor';
import { STATEMENT, b64, databaseEngines, dsseEnvelope, dsseV2Request, hashedRekordV2Request, selfSignedCert, testKey } from '@sigbox/testkit';
import { type RekorV2Harness, openV2Checkpoint, startRekorV2, verifyTransparencyLogEntry } from './helpers/rekor-v2.js';
import { IMMUTABLE, fetchTiles, getBytes } from './helpers/tiles.js';

const API = '/api/v2';
/** More than one full level-0 tile: a full tile, a partial one and a level-1 tile. */
const ENTRIES = TILE_WIDTH + 20;
const WAVE = 60;
const signer = testKey('ecdsa-p256');
let counter = 0;
const fresh = (label = 'v2') => hashedRekordV2Request(signer, encoding.utf8(`${label} ${counter++} ${Math.random()}\n`));

async function create(v2: RekorV2Harness, body: unknown): Promise<TransparencyLogEntryJson> {
  const res = await request(v2.app).post(`${API}/log/entries`).send(body as object);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as TransparencyLogEntryJson;
}

describe.each(databaseEngines())('Rekor v2 on %s', (engine) => {
  let v2: RekorV2Harness;
  beforeAll(async () => {
    v2 = await startRekorV2(engine);
  });
  afterAll(() => v2.close());

  describe('POST /api/v2/log/entries', () => {
    it('answers 201 with a TransparencyLogEntry sigstore-go accepts', async () => {
      const tle = await create(v2, fresh());
      expect(Object.keys(tle)).toEqual(['logIndex', 'logId', 'kindVersion', 'integratedTime', 'inclusionPromise', 'inclusionProof', 'canonicalizedBody']);
      expect(tle.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.2' });
      expect(tle.logId.keyId).toBe(encoding.toBase64(v2.log.logId));
      const { leaf } = verifyTransparencyLogEntry(v2.vkey, tle);
      expect(JSON.parse(encoding.fromUtf8(leaf))).toMatchObject({ kind: 'hashedrekord', apiVersion: '0.0.2' });
    });

    it('takes snake_case names, any Content-Type (grpc-gateway parses every body as JSON), and certificates', async () => {
      const camel = fresh('snake');
      const { digest, signature } = camel.hashedRekordRequestV002;
      const snake = { hashed_rekord_request_v002: { digest, signature: { content: signature.content, verifier: { public_key: { raw_bytes: signature.verifier.publicKey?.rawBytes }, key_details: signature.verifier.keyDetails } } } };
      const res = await request(v2.app).post(`${API}/log/entries`).set('Content-Type', 'text/plain').send(JSON.stringify(snake));
      expect(res.status).toBe(201);
      verifyTransparencyLogEntry(v2.vkey, res.body as TransparencyLogEntryJson);
      const cert = await selfSignedCert({ email: 'v2@example.com' });
      verifyTransparencyLogEntry(v2.vkey, await create(v2, hashedRekordV2Request(cert.key, encoding.utf8('cert artifact'), { certificate: cert.der })));
    });

    it('takes a DSSE envelope as sigstore-js sends it (dsse 0.0.2)', async () => {
      const ed = testKey('ed25519');
      const envelope = dsseEnvelope('application/vnd.in-toto+json', encoding.utf8(JSON.stringify({ ...STATEMENT, n: counter++ })), [signer, ed]);
      const tle = await create(v2, dsseV2Request(envelope, [signer, ed]));
      expect(tle.kindVersion).toEqual({ kind: 'dsse', version: '0.0.2' });
      verifyTransparencyLogEntry(v2.vkey, tle);
    });

    it('answers a duplicate 409 with X-Log-Index and AlreadyExists', async () => {
      const body = fresh('dup');
      const first = await create(v2, body);
      const res = await request(v2.app).post(`${API}/log/entries`).send(body);
      expect(res.status).toBe(409);
      expect(res.headers['x-log-index']).toBe(first.logIndex);
      expect(res.body).toEqual({ code: 6, message: `an equivalent entry already exists in the transparency log with index ${first.logIndex}`, details: [] });
    });

    it.each([
      ['an unknown field', (b: ReturnType<typeof fresh>) => ({ ...b, extra: true }), /^proto: .*unknown field "extra"/],
      ['a bad signature', (b: ReturnType<typeof fresh>) => ({ hashedRekordRequestV002: { ...b.hashedRekordRequestV002, digest: b64(new Uint8Array(32)) } }), 'invalid hashedrekord request'],
      ['pure Ed25519 key details', (b: ReturnType<typeof fresh>) => ({ hashedRekordRequestV002: { ...b.hashedRekordRequestV002, signature: { ...b.hashedRekordRequestV002.signature, verifier: { ...b.hashedRekordRequestV002.signature.verifier, keyDetails: 'PKIX_ED25519' } } } }), 'invalid hashedrekord request'],
      ['no kind', () => ({}), 'invalid type, must be hashedrekord'],
    ])('answers %s 400 InvalidArgument, storing nothing', async (_, change, message) => {
      const before = (await v2.tree.latest()).size;
      const res = await request(v2.app).post(`${API}/log/entries`).send(change(fresh('bad')));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 3, details: [] });
      expect((res.body as { message: string }).message).toMatch(message);
      expect((await v2.tree.latest()).size).toBe(before);
    });

    it('answers a body that is not JSON as grpc-gateway does', async () => {
      const res = await request(v2.app).post(`${API}/log/entries`).set('Content-Type', 'application/json').send('{nope');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 3, details: [] });
    });
  });

  describe('the tlog-tiles read API at /api/v2', () => {
    let created: TransparencyLogEntryJson[];
    beforeAll(async () => {
      created = [];
      const target = ENTRIES - Number((await v2.tree.latest()).size);
      while (created.length < target) {
        const wave = Math.min(WAVE, target - created.length);
        created.push(...(await Promise.all(Array.from({ length: wave }, () => create(v2, fresh('tile'))))));
      }
      created.sort((a, b) => Number(BigInt(a.logIndex) - BigInt(b.logIndex)));
    }, 120_000);

    it('serves the checkpoint (text, short-lived) that the vkey opens and the tiles reproduce', async () => {
      const res = await request(v2.app).get(`${API}/checkpoint`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.headers['cache-control']).toMatch(/max-age=\d+$/);
      expect(res.headers['cache-control']).not.toMatch(IMMUTABLE);
      const checkpoint = openV2Checkpoint(v2.vkey, res.text);
      expect(checkpoint.size).toBe(BigInt(ENTRIES));
      const read = await fetchTiles(v2.app, API, tilesNeededForAppend(checkpoint.size));
      expect(rootFromTiles(checkpoint.size, read)).toEqual(checkpoint.rootHash);
    });

    it('lets a tiles-only client rebuild every returned proof', async () => {
      for (const tle of created) {
        const index = BigInt(tle.logIndex);
        const size = BigInt(tle.inclusionProof.treeSize);
        const read = await fetchTiles(v2.app, API, inclusionProofTiles(index, size));
        expect(inclusionProof(index, size, read).map((h) => encoding.toBase64(h))).toEqual(tle.inclusionProof.hashes);
      }
    }, 120_000);

    it('serves entry bundles holding the leaves and hash tiles holding their hashes', async () => {
      const latest = (await v2.tree.latest()).size;
      const all = await v2.tree.entries(0n, latest);
      const full = await getBytes(v2.app, `${API}/${entryBundlePath(0n, TILE_WIDTH)}`);
      expect(full.status).toBe(200);
      expect(full.headers['cache-control']).toMatch(IMMUTABLE);
      expect(parseEntryBundle(new Uint8Array(full.body as Buffer))).toEqual(all.slice(0, TILE_WIDTH).map((e) => e.data));
      const byIndex = new Map(created.map((c) => [c.logIndex, encoding.fromBase64(c.canonicalizedBody)]));
      parseEntryBundle(new Uint8Array(full.body as Buffer)).forEach((leaf, i) => {
        const answered = byIndex.get(String(i));
        if (answered) expect(leaf).toEqual(answered);
      });
      const partial = await getBytes(v2.app, `${API}/tile/0/001.p/${ENTRIES - TILE_WIDTH}`);
      expect(partial.status).toBe(200);
      expect(partial.headers['cache-control']).not.toMatch(IMMUTABLE);
      expect(tileFromBytes(0, 1n, new Uint8Array(partial.body as Buffer)).hashes).toEqual(all.slice(TILE_WIDTH).map((e) => e.leafHash));
      expect((await request(v2.app).get(`${API}/tile/0/002.p/1`)).status).toBe(404);
      expect((await request(v2.app).get(`${API}/tile/0/x000/001`)).status).toBe(404);
    });
  });

  describe('pushback', () => {
    it('answers a full queue 503 Unavailable with Retry-After; the accepted entries are logged gaplessly', async () => {
      // A slow linger keeps entries queued, so the third concurrent one finds the queue full.
      const busy = await startRekorV2(engine, { engine: { maxPending: 2, batchMaxAgeMs: 200 } });
      const server = http.createServer(busy.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const responses = await Promise.all(Array.from({ length: 40 }, () => request(url).post(`${API}/log/entries`).send(fresh('busy'))));
        expect(responses.every((r) => r.status === 201 || r.status === 503)).toBe(true);
        const refused = responses.filter((r) => r.status === 503);
        expect(refused.length).toBeGreaterThan(0);
        for (const r of refused) {
          expect(r.body).toEqual({ code: 14, message: 'reached max pushback; retry', details: [] });
          expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
        const accepted = responses.filter((r) => r.status === 201).map((r) => BigInt((r.body as TransparencyLogEntryJson).logIndex));
        expect(accepted.sort((a, b) => Number(a - b))).toEqual(Array.from({ length: accepted.length }, (_, i) => BigInt(i)));
        expect((await busy.tree.latest()).size).toBe(BigInt(accepted.length));
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await busy.close();
      }
    });
  });

  describe('with witnessing', () => {
    it('serves the cosigned checkpoint at /api/v2/checkpoint while it is the newest, and answers creates with it', async () => {
      let tree: RekorV2Harness['tree'] | undefined;
      const cosigned = async () => {
        const note = parseSignedNote((await (tree as RekorV2Harness['tree']).latest()).checkpoint);
        return formatSignedNote({ text: note.text, signatures: [...note.signatures, { name: 'witness.test', keyHint: Uint8Array.of(9, 9, 9, 9), signature: new Uint8Array(72) }] });
      };
      const witnessed = await startRekorV2(engine, { witnessing: { cosigned, latest: cosigned } });
      tree = witnessed.tree;
      try {
        const tle = await create(witnessed, fresh('witnessed'));
        expect(tle.inclusionProof.checkpoint.envelope).toMatch(/\n— witness\.test /);
        verifyTransparencyLogEntry(witnessed.vkey, tle);
        const res = await request(witnessed.app).get(`${API}/checkpoint`).expect(200);
        expect(res.text).toMatch(/\n— witness\.test /);
        expect(openV2Checkpoint(witnessed.vkey, res.text).size).toBe(1n);
      } finally {
        await witnessed.close();
      }
    });
  });

  describe('a frozen tree', () => {
    it('answers 405 with upstream’s read-only text', async () => {
      const frozen = await startRekorV2(engine);
      try {
        await frozen.tree.freeze();
        const res = await request(frozen.app).post(`${API}/log/entries`).send(fresh('frozen'));
        expect(res.status).toBe(405);
        expect(res.text).toBe('This log has been frozen, please switch to the latest log.\n');
      } finally {
        await frozen.close();
      }
    });
  });
});
