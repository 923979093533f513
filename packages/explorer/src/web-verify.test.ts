// The browser's proof checks (web/verify.ts, WebCrypto only) against transparency-dev/merkle's vectors and against
// checkpoints signed by @sigbox/merkle with real Ed25519 and ECDSA P-256 keys, as the two log generations sign them.
import crypto from 'node:crypto';
import path from 'node:path';
import { canonicalize, createEphemeralSigner, encoding, generatePrivateKey, sha256, spkiDer } from '@sigbox/core';
import { createNoteSigner, defaultHasher, hashLeaf, inclusionProof, integrate, createMemoryTileStore, signCheckpoint } from '@sigbox/merkle';
import { readJsonTree, vectorsDir } from '@sigbox/testkit';
import { describe, expect, it } from 'vitest';
import { type TrustedLogKey, rootFromInclusionProof, verifyEntryProof, verifyEntryTimestamp } from '../web/verify.js';

interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }
const dir = vectorsDir('merkle');
const b64 = (s: string) => encoding.fromBase64(s);

describe.skipIf(!dir)('rootFromInclusionProof on transparency-dev/merkle vectors', () => {
  const vectors = dir ? readJsonTree<InclusionVector>(path.join(dir, 'inclusion')) : [];
  it.each(vectors)('%s', async (_, v) => {
    const root = await rootFromInclusionProof(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64)).catch(() => undefined);
    expect(root !== undefined && encoding.toHex(root) === encoding.toHex(b64(v.root))).toBe(!v.wantErr);
  });
});

/** A tree of `size` leaves, its checkpoint signed as `log` signs it, and the proof of `index` in the form both APIs answer. */
async function provenEntry(log: 'v1' | 'v2', size: number, index: number) {
  const leaves = Array.from({ length: size }, (_, i) => encoding.utf8(`{"entry":${i}}`));
  const store = createMemoryTileStore();
  const result = integrate(0n, leaves.map((l) => hashLeaf(l)), store.readTile, defaultHasher);
  store.writeTiles(result.tiles);
  const signer = createEphemeralSigner(log === 'v2' ? 'ed25519' : 'ecdsa-p256');
  const origin = log === 'v2' ? 'log.example' : 'log.example - 1234';
  // Rekor v1 signs its `<host> - <tree ID>` checkpoints under the hostname; v2's origin is the hostname.
  const noteSigner = createNoteSigner('log.example', signer);
  const checkpoint = await signCheckpoint({ origin, size: BigInt(size), rootHash: result.root }, [noteSigner]);
  const key: TrustedLogKey = { baseUrl: 'https://log.example', spki: spkiDer(signer.publicKey), keyDetails: log === 'v2' ? 'PKIX_ED25519' : 'PKIX_ECDSA_P256_SHA_256', keyId: noteSigner.keyId };
  const hashes = inclusionProof(BigInt(index), BigInt(size), store.readTile).map((h) => encoding.toHex(h));
  return { body: leaves[index] as Uint8Array, proof: { logIndex: index, treeSize: size, rootHash: encoding.toHex(result.root), hashes, checkpoint }, key };
}

describe.each(['v1', 'v2'] as const)('verifyEntryProof, %s checkpoint', (log) => {
  it('passes an entry, its proof and a checkpoint signed by the trusted key', async () => {
    const { body, proof, key } = await provenEntry(log, 13, 6);
    const checks = await verifyEntryProof(body, proof, [key]);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([['Inclusion proof', true], ['Checkpoint signature', true]]);
  });

  it('fails another body, a changed proof hash, a changed checkpoint and another key', async () => {
    const { body, proof, key } = await provenEntry(log, 13, 6);
    const failed = async (b: Uint8Array, p: typeof proof, k = key) => (await verifyEntryProof(b, p, [k])).filter((c) => !c.ok).map((c) => c.name);
    expect(await failed(encoding.utf8('{"entry":7}'), proof)).toEqual(['Inclusion proof']);
    const flipped = `${proof.hashes[0]?.slice(0, 63)}${proof.hashes[0]?.endsWith('0') ? '1' : '0'}`;
    expect(await failed(body, { ...proof, hashes: [flipped, ...proof.hashes.slice(1)] })).toEqual(['Inclusion proof']);
    expect(await failed(body, { ...proof, checkpoint: proof.checkpoint.replace('\n13\n', '\n14\n') })).toEqual(['Inclusion proof', 'Checkpoint signature']);
    const other = (await provenEntry(log, 13, 6)).key;
    expect(await failed(body, proof, { ...key, spki: other.spki })).toEqual(['Checkpoint signature']);
  });
});

describe('verifyEntryTimestamp', () => {
  const privateKey = generatePrivateKey('ecdsa-p256');
  const spki = spkiDer(crypto.createPublicKey(privateKey));
  const key: TrustedLogKey = { baseUrl: 'https://log.example', spki, keyDetails: 'PKIX_ECDSA_P256_SHA_256', keyId: sha256(spki) };
  const fields = { body: encoding.toBase64(encoding.utf8('{"kind":"hashedrekord"}')), integratedTime: 1_765_000_000, logID: encoding.toHex(sha256(spki)), logIndex: 41 };
  // Signed as @sigbox/rekor signs it: DER ECDSA over JCS of the four fields.
  const set = encoding.toBase64(crypto.sign('sha256', encoding.utf8(canonicalize(fields)), privateKey));

  it('passes the SET the log key signed over JCS of body, time, log ID and index', async () => {
    expect(await verifyEntryTimestamp({ ...fields, signedEntryTimestamp: set }, [key])).toMatchObject({ ok: true });
  });

  it('fails another time or index, and a log ID no trusted key has', async () => {
    expect(await verifyEntryTimestamp({ ...fields, integratedTime: fields.integratedTime + 1, signedEntryTimestamp: set }, [key])).toMatchObject({ ok: false });
    expect(await verifyEntryTimestamp({ ...fields, logIndex: 42, signedEntryTimestamp: set }, [key])).toMatchObject({ ok: false });
    expect(await verifyEntryTimestamp({ ...fields, logID: '00'.repeat(32), signedEntryTimestamp: set }, [key])).toMatchObject({ ok: false, detail: expect.stringContaining('no ECDSA log key') });
  });
});
