// POST /api/v1/log/entries over HTTP for every supported kind, each response verified the way clients verify it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { databaseEngines, vectorsDir } from '@sigbox/testkit';
import {
  type RekorHarness,
  b64,
  bodyJson,
  certEntry,
  dsseEntry,
  intotoEntry,
  keyEntry,
  keyPem,
  startRekor,
  treeHead,
  verifyLogEntry,
} from './helpers/rekor.js';

const sigstoreDir = vectorsDir('sigstore');

describe.each(databaseEngines())('POST /api/v1/log/entries on %s', (engine) => {
  let rekor: RekorHarness;
  beforeAll(async () => {
    rekor = await startRekor(engine);
  });
  afterAll(() => rekor.close());

  async function post(entry: unknown) {
    const res = await request(rekor.app).post('/api/v1/log/entries').send(entry as object);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const verified = verifyLogEntry(rekor, res.body);
    // sigstore-go reads Payload[ETag]: the unquoted entry ID, the body's only key.
    expect(res.headers.etag).toBe(verified.entryId);
    expect(res.headers.location).toBe(`/api/v1/log/entries/${verified.entryId}`);
    return verified;
  }

  it('hashedrekord with a public key: the body is the canonical leaf, signed into the log', async () => {
    const before = await treeHead(rekor.app);
    const entry = keyEntry();
    const created = await post(entry);
    expect(encoding.fromUtf8(created.body)).toBe(
      `{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"${entry.spec.data.hash.value}"}},` +
        `"signature":{"content":"${entry.spec.signature.content}","publicKey":{"content":"${entry.spec.signature.publicKey.content}"}}}}`,
    );
    expect(created.value.logIndex).toBe(before.treeSize);
    expect(created.value.verification.inclusionProof.treeSize).toBe(before.treeSize + 1);
    const now = Math.floor(Date.now() / 1000);
    expect(created.value.integratedTime).toBeGreaterThan(now - 60);
    expect(created.value.integratedTime).toBeLessThanOrEqual(now);
    expect(created.value.attestation).toBeUndefined();
    expect(await treeHead(rekor.app)).toEqual({ treeSize: before.treeSize + 1, rootHash: created.value.verification.inclusionProof.rootHash });
  });

  it('hashedrekord with a certificate keeps the certificate PEM as the verifier', async () => {
    const { entry, cert } = await certEntry('signer@example.com');
    const created = await post(entry);
    expect(bodyJson(created).spec).toEqual({ data: entry.spec.data, signature: { content: entry.spec.signature.content, publicKey: { content: b64(cert.pem) } } });
  });

  it('dsse: stores hashes and signatures, not the envelope', async () => {
    const entry = dsseEntry();
    const created = await post(entry);
    const envelope = entry.spec.proposedContent.envelope;
    const parsed = JSON.parse(envelope) as { payload: string; signatures: Array<{ sig: string }> };
    expect(bodyJson(created)).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: crypto.hash('sha256', envelope, 'hex') },
        payloadHash: { algorithm: 'sha256', value: crypto.hash('sha256', encoding.fromBase64(parsed.payload), 'hex') },
        signatures: [{ signature: parsed.signatures[0]?.sig, verifier: entry.spec.proposedContent.verifiers[0] }],
      },
    });
  });

  it('intoto 0.0.2: drops the payload, recomputes payloadHash, keeps the client hash', async () => {
    const entry = intotoEntry();
    const created = await post(entry);
    const { envelope, hash } = entry.spec.content;
    const payload = encoding.fromBase64(encoding.fromUtf8(encoding.fromBase64(envelope.payload)));
    expect(bodyJson(created)).toEqual({
      apiVersion: '0.0.2',
      kind: 'intoto',
      spec: { content: { envelope: { payloadType: envelope.payloadType, signatures: envelope.signatures }, hash, payloadHash: { algorithm: 'sha256', value: crypto.hash('sha256', payload, 'hex') } } },
    });
  });

  it('entries created one after another get consecutive indices, all provable at the latest size', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await post(keyEntry()));
    const indices = created.map((c) => c.value.logIndex);
    expect(indices).toEqual([indices[0], (indices[0] as number) + 1, (indices[0] as number) + 2]);
    // Each GET answers with a proof against the newest checkpoint, which must also verify.
    for (const c of created) {
      const res = await request(rekor.app).get(`/api/v1/log/entries/${c.entryId}`).expect(200);
      const again = verifyLogEntry(rekor, res.body);
      expect(again.body).toEqual(c.body);
      expect(again.value.integratedTime).toBe(c.value.integratedTime);
      expect(again.value.verification.inclusionProof.treeSize).toBe((await treeHead(rekor.app)).treeSize);
    }
  });

  it('logs an entry posted twice at once exactly once: one 201, one 409 naming it', async () => {
    const before = await treeHead(rekor.app);
    const entry = keyEntry();
    const responses = await Promise.all([0, 1].map(() => request(rekor.app).post('/api/v1/log/entries').send(entry)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const created = verifyLogEntry(rekor, responses.find((r) => r.status === 201)?.body);
    const conflict = responses.find((r) => r.status === 409);
    expect(conflict?.headers.location).toBe(`/api/v1/log/entries/${created.entryId}`);
    expect(conflict?.body).toEqual({ code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${created.entryId}` });
    expect((await treeHead(rekor.app)).treeSize).toBe(before.treeSize + 1);
  });

  it('answers the public key whose SHA-256 is the logID of every entry', async () => {
    const res = await request(rekor.app).get('/api/v1/log/publicKey').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(res.text).toBe(keyPem(rekor.signer.publicKey));
  });

  describe.skipIf(!sigstoreDir)('real Rekor entries (sigstore-python test assets)', () => {
    it.each(['bundle_v3.txt.sigstore', 'bundle_v3_github.whl.sigstore'])('%s: its hashedrekord body re-submitted is stored byte for byte', async (file) => {
      const bundle = JSON.parse(fs.readFileSync(path.join(sigstoreDir as string, file), 'utf8'));
      const real = bundle.verificationMaterial.tlogEntries[0] as { canonicalizedBody: string; kindVersion: { kind: string } };
      expect(real.kindVersion.kind).toBe('hashedrekord');
      // The real signature verifies against the real Fulcio certificate (expired now: Rekor checks no validity window).
      const created = await post(JSON.parse(encoding.fromUtf8(encoding.fromBase64(real.canonicalizedBody))));
      expect(created.value.body).toBe(real.canonicalizedBody);
      const again = await request(rekor.app).post('/api/v1/log/entries').send(JSON.parse(encoding.fromUtf8(encoding.fromBase64(real.canonicalizedBody))));
      expect(again.status).toBe(409);
      expect(again.headers.location).toBe(`/api/v1/log/entries/${created.entryId}`);
    });
  });
});
