// Shared fixtures of the Rekor v1 HTTP suites: a log on a test database behind the real app, entry builders,
// and a verifier that checks a LogEntry response the way rekor-cli / sigstore-go do.
import crypto from 'node:crypto';
import type { RequestListener } from 'node:http';
import { pino } from 'pino';
import request from 'supertest';
import { expect } from 'vitest';
import { type Signer, createKeySigner, encoding, generatePrivateKey, sha256, spkiDer } from '@sigbox/core';
import type { Engine } from '@sigbox/db';
import { type VerifiedCheckpoint, createNoteVerifier, isValidInclusion, openCheckpoint, parseSignedNote } from '@sigbox/merkle';
import { type TreeEngineOptions, openLogTree } from '@sigbox/log';
import { type LogEntryAnon, type RekorLog, createRekorLog, rekorTreeDescription, verifyEntryTimestamp } from '@sigbox/rekor';
import { createApp, createRekorApi } from '@sigbox/server';
import { type TestDatabase, createTestDatabase, STATEMENT, b64, dsseEnvelope, hashedrekord, keyPem, selfSignedCert, signArtifact, testKey, type TestKey } from '@sigbox/testkit';

export { b64, keyPem, selfSignedCert, signArtifact, testKey, type TestKey };

/** The log's public hostname: the checkpoint origin's first half and the signature line's name. */
export const HOSTNAME = 'rekor.test';

export interface RekorHarness {
  readonly app: RequestListener;
  readonly log: RekorLog;
  readonly signer: Signer;
  close(): Promise<void>;
}

/**
 * A fresh database, a Rekor log with an ephemeral P-256 key on a tree opened with the given engine settings, and
 * the app that serves it (never listening).
 */
export async function startRekor(engine: Engine, engineOptions: TreeEngineOptions = {}): Promise<RekorHarness> {
  const database: TestDatabase = await createTestDatabase({ engine });
  // The key in memory, as the server loads it: on PostgreSQL the tree is written on its own thread.
  const privateKey = generatePrivateKey('ecdsa-p256');
  const signer = createKeySigner(privateKey);
  const tree = await openLogTree(database, { ...rekorTreeDescription({ hostname: HOSTNAME, key: { privateKey } }), ...engineOptions });
  const log = createRekorLog({ tree, signer });
  const app = createApp({ logger: pino({ enabled: false }), apis: [createRekorApi(log)] });
  return {
    app,
    log,
    signer,
    async close() {
      await tree.close();
      await database.close();
    },
  };
}

// ---- entries ---------------------------------------------------------------------------------------------

const signer = testKey('ecdsa-p256');
let counter = 0;

/** A fresh artifact (unique per call, so every entry is new to the log). */
export function freshArtifact(label = 'artifact'): Uint8Array {
  counter += 1;
  return encoding.utf8(`${label} ${counter} ${crypto.randomUUID()}\n`);
}

/** hashedrekord 0.0.1 signed by one long-lived P-256 key, over a fresh artifact. */
export function keyEntry(artifact = freshArtifact(), key: TestKey = signer) {
  return hashedrekord(signArtifact(key, artifact, 'sha256'), keyPem(key.publicKey), 'sha256', artifact);
}

/** hashedrekord 0.0.1 signed with a self-signed certificate carrying `email` as its SAN. */
export async function certEntry(email: string, artifact = freshArtifact()) {
  const cert = await selfSignedCert({ email });
  return { entry: hashedrekord(signArtifact(cert.key, artifact, 'sha256'), cert.pem, 'sha256', artifact), cert };
}

const statement = () => encoding.utf8(JSON.stringify({ ...STATEMENT, subject: [{ name: 'a.txt', digest: { sha256: crypto.randomBytes(32).toString('hex') } }] }));

/** dsse 0.0.1 over a fresh in-toto statement. */
export function dsseEntry(key: TestKey = signer) {
  const envelope = JSON.stringify(dsseEnvelope('application/vnd.in-toto+json', statement(), [key]));
  return { kind: 'dsse', apiVersion: '0.0.1', spec: { proposedContent: { envelope, verifiers: [b64(keyPem(key.publicKey))] } } };
}

/** intoto 0.0.2 over a fresh in-toto statement: payload and signature double base64, client-supplied hash. */
export function intotoEntry(key: TestKey = signer, payloadType = 'application/vnd.in-toto+json') {
  const env = dsseEnvelope(payloadType, statement(), [key]);
  const signatures = env.signatures.map((s) => ({ sig: b64(s.sig), publicKey: b64(keyPem(key.publicKey)) }));
  const hash = { algorithm: 'sha256', value: crypto.hash('sha256', JSON.stringify(env), 'hex') };
  return { kind: 'intoto', apiVersion: '0.0.2', spec: { content: { envelope: { payloadType: env.payloadType, payload: b64(env.payload), signatures }, hash } } };
}

// ---- verification ----------------------------------------------------------------------------------------

export interface VerifiedEntry {
  entryId: string;
  uuid: string;
  value: LogEntryAnon;
  body: Uint8Array;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  checkpoint: VerifiedCheckpoint;
}

/** %016x of the tree ID: the first 16 hex of every entry ID. */
export const treeIdHex = (log: RekorLog) => log.treeId.toString(16).padStart(16, '0');

/** Opens a checkpoint as rekor-cli does: exactly our key's signature line, named by the hostname. */
export function openLogCheckpoint(harness: Pick<RekorHarness, 'log' | 'signer'>, note: string): VerifiedCheckpoint {
  expect(parseSignedNote(note).signatures.map((s) => s.name)).toEqual([HOSTNAME]);
  const checkpoint = openCheckpoint(note, [createNoteVerifier(HOSTNAME, harness.signer.publicKey)], { rekorV1Strict: true, origin: `${HOSTNAME} - ${harness.log.treeId}` });
  expect(checkpoint.extensions).toEqual([]);
  return checkpoint;
}

/**
 * Checks one LogEntry map end to end: its only key is treeID ‖ UUID, the UUID is the leaf hash of the body, the
 * inclusion proof leads to the root of a checkpoint signed by the log, and the SET signs the entry's fields.
 */
export function verifyLogEntry(harness: Pick<RekorHarness, 'log' | 'signer'>, map: unknown): VerifiedEntry {
  const keys = Object.keys(map as object);
  expect(keys).toHaveLength(1);
  const entryId = keys[0] as string;
  const value = (map as Record<string, LogEntryAnon>)[entryId] as LogEntryAnon;
  expect(entryId).toMatch(/^[0-9a-f]{80}$/);
  expect(entryId.slice(0, 16)).toBe(treeIdHex(harness.log));
  const body = encoding.fromBase64(value.body);
  const leafHash = sha256(new Uint8Array([0]), body);
  const uuid = entryId.slice(16);
  expect(uuid).toBe(encoding.toHex(leafHash));
  expect(value.logID).toBe(encoding.toHex(sha256(spkiDer(harness.signer.publicKey))));

  const { inclusionProof: ip, signedEntryTimestamp } = value.verification;
  expect(ip.logIndex).toBe(value.logIndex); // one shard: the tree index is the global index
  const checkpoint = openLogCheckpoint(harness, ip.checkpoint);
  expect(checkpoint.size).toBe(BigInt(ip.treeSize));
  expect(encoding.toHex(checkpoint.rootHash)).toBe(ip.rootHash);
  const proof = ip.hashes.map((h) => encoding.fromHex(h));
  expect(isValidInclusion(BigInt(ip.logIndex), BigInt(ip.treeSize), leafHash, proof, checkpoint.rootHash)).toBe(true);

  const fields = { body: value.body, integratedTime: value.integratedTime, logID: value.logID, logIndex: value.logIndex };
  expect(verifyEntryTimestamp(fields, encoding.fromBase64(signedEntryTimestamp), harness.signer.publicKey)).toBe(true);
  expect(verifyEntryTimestamp({ ...fields, logIndex: value.logIndex + 1 }, encoding.fromBase64(signedEntryTimestamp), harness.signer.publicKey)).toBe(false);
  return { entryId, uuid, value, body, leafHash, proof, checkpoint };
}

/** The body the log should store for a proposed entry: the parsed JSON of the canonical leaf. */
export const bodyJson = (entry: VerifiedEntry) => JSON.parse(encoding.fromUtf8(entry.body)) as { kind: string; apiVersion: string; spec: Record<string, unknown> };

// ---- HTTP shortcuts --------------------------------------------------------------------------------------

/** POSTs a proposed entry and expects 201. */
export async function createEntry(harness: RekorHarness, entry: unknown): Promise<VerifiedEntry> {
  const res = await request(harness.app).post('/api/v1/log/entries').send(entry as object).expect(201);
  return verifyLogEntry(harness, res.body);
}

/** GET /api/v1/log's size and root (what must not move after a rejected request). */
export async function treeHead(app: RequestListener): Promise<{ treeSize: number; rootHash: string }> {
  const { body } = await request(app).get('/api/v1/log').expect(200);
  return { treeSize: body.treeSize, rootHash: body.rootHash };
}

/** Upstream's error body: exactly `{"code","message"}`, JSON. */
export function expectRekorError(res: request.Response, status: number, message?: string | RegExp, code = status): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'message']);
  expect(res.body.code).toBe(code);
  expect(typeof res.body.message).toBe('string');
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}
