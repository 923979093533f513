import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeySigner, encoding, generatePrivateKey, sha256 } from '@sigbox/core';
import { EMPTY_ROOT, hashLeaf, isValidConsistency, isValidInclusion } from '@sigbox/merkle';
import { type TestCa, createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { OID, parseCertificate, removeExtension } from '@sigbox/x509';
import { type CtLogHarness, startCtLog } from './__fixtures__/ct-log.js';
import type { CtLog } from './ct-log.js';
import { decodeDigitallySigned } from './digitally-signed.js';
import { decodePrecertExtraData, decodeX509ExtraData } from './extra-data.js';
import { decodeMerkleTreeLeaf } from './merkle-tree-leaf.js';
import { MAX_GET_ENTRIES } from './reads.js';
import type { AddedChain } from './responses.js';
import { verifyTreeHead } from './tree-head.js';

const b64 = encoding.fromBase64;

describe.each(databaseEngines())('CT read endpoints on %s', (engine) => {
  let ct: CtLogHarness;
  let ca: TestCa;
  let log: CtLog;
  const privateKey = generatePrivateKey('ecdsa-p256');
  const signer = createKeySigner(privateKey);
  const precerts: Uint8Array[] = [];
  const added: AddedChain[] = [];

  beforeAll(async () => {
    ct = await startCtLog(await createTestDatabase({ engine }), privateKey);
    ({ ca, log } = ct);
  });
  afterAll(() => ct?.close());

  const verifySth = (sth: Awaited<ReturnType<CtLog['getSth']>>) =>
    verifyTreeHead(signer.publicKey, { timestamp: sth.timestamp, treeSize: BigInt(sth.tree_size), rootHash: b64(sth.sha256_root_hash) }, decodeDigitallySigned(b64(sth.tree_head_signature)));

  it('signs the empty tree, then one STH per size', async () => {
    const empty = await log.getSth();
    expect(empty).toMatchObject({ tree_size: 0, sha256_root_hash: encoding.toBase64(EMPTY_ROOT) });
    expect(verifySth(empty)).toBe(true);
    expect(await log.getSth()).toEqual(empty); // cached: same timestamp and signature for the same size

    for (let i = 0; i < 3; i++) {
      const precert = (await ca.draft(`user${i}@example.com`).precertificate()).der;
      precerts.push(precert);
      added.push(await log.addPreChain([precert, ca.intermediate.der])); // root left out: the log appends it
    }
    const sth = await log.getSth();
    expect(sth.tree_size).toBe(3);
    expect(verifySth(sth)).toBe(true);
    expect(sth.timestamp).toBeGreaterThanOrEqual(empty.timestamp);
  });

  it('get-entries returns leaves and PrecertChainEntry extra data that decode back', async () => {
    const { entries } = await log.getEntries('0', '99');
    expect(entries).toHaveLength(3);
    entries.forEach((e, i) => {
      const leaf = decodeMerkleTreeLeaf(b64(e.leaf_input));
      expect(leaf.timestamp).toBe(added[i]?.response.timestamp);
      expect(leaf.entry).toEqual({
        type: 'precert',
        issuerKeyHash: sha256(parseCertificate(ca.intermediate.der).spki),
        tbsCertificate: removeExtension(parseCertificate(precerts[i] as Uint8Array).tbs, OID.ctPoison),
      });
      expect(decodePrecertExtraData(b64(e.extra_data))).toEqual({ precertificate: precerts[i], chain: [ca.intermediate.der, ca.root.der] });
    });
    expect((await log.getEntries(1n, 1n)).entries.map((e) => e.leaf_input)).toEqual([entries[1]?.leaf_input]);
  });

  it('get-entries of an x509 entry carries the chain above the leaf', async () => {
    const draft = ca.draft('x509@example.com');
    const cert = await draft.certificate();
    const { leafIndex } = await log.addChain([cert.der, ca.intermediate.der, ca.root.der]);
    const [entry] = (await log.getEntries(leafIndex, leafIndex)).entries;
    expect(decodeMerkleTreeLeaf(b64(entry?.leaf_input as string)).entry).toEqual({ type: 'x509', certificate: cert.der });
    expect(decodeX509ExtraData(b64(entry?.extra_data as string))).toEqual([ca.intermediate.der, ca.root.der]);
  });

  it('get-entry-and-proof and get-proof-by-hash verify against the tree at the requested size', async () => {
    const root3 = await ct.tree.rootAt(3n);
    const got = await log.getEntryAndProof('1', '3');
    const leafHash = hashLeaf(b64(got.leaf_input));
    expect(isValidInclusion(1n, 3n, leafHash, got.audit_path.map(b64), root3)).toBe(true);
    const byHash = await log.getProofByHash(encoding.toBase64(leafHash), '3');
    expect(byHash).toEqual({ leaf_index: 1, audit_path: got.audit_path });
  });

  it('get-sth-consistency proves each older size against the newest', async () => {
    const { tree_size: size, sha256_root_hash: root } = await log.getSth();
    for (let first = 1; first < size; first++) {
      const { consistency } = await log.getSthConsistency(String(first), String(size));
      expect(isValidConsistency(BigInt(first), BigInt(size), consistency.map(b64), await ct.tree.rootAt(BigInt(first)), b64(root))).toBe(true);
    }
    expect(await log.getSthConsistency('0', String(size))).toEqual({ consistency: [] });
    expect(await log.getSthConsistency(String(size), String(size))).toEqual({ consistency: [] });
  });

  it('serves the accepted roots', () => {
    expect(log.getRoots()).toEqual({ certificates: [encoding.toBase64(ca.root.der)] });
  });

  it("refuses bad parameters as ctfe does: 400 BAD_REQUEST, 404 NOT_FOUND for proofs it cannot give", async () => {
    const { tree_size: size } = await log.getSth();
    const code = (p: Promise<unknown>) => p.then(() => 'OK', (err: { code?: string }) => err.code);
    const beyond = String(size + 1);
    expect(await code(log.getEntries(undefined, '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntries('x', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntries('-1', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntries('2', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntries(String(size), beyond))).toBe('BAD_REQUEST');
    expect(await code(log.getEntries('99999999999999999999', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getSthConsistency('2', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getSthConsistency('1', beyond))).toBe('BAD_REQUEST');
    expect(await code(log.getSthConsistency('1', undefined))).toBe('BAD_REQUEST');
    expect(await code(log.getEntryAndProof('3', '3'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntryAndProof('0', '0'))).toBe('BAD_REQUEST');
    expect(await code(log.getEntryAndProof('0', beyond))).toBe('BAD_REQUEST');
    expect(await code(log.getProofByHash('not base64!', '1'))).toBe('BAD_REQUEST');
    expect(await code(log.getProofByHash(encoding.toBase64(new Uint8Array(32)), '0'))).toBe('BAD_REQUEST');
    expect(await code(log.getProofByHash(encoding.toBase64(new Uint8Array(32)), '1'))).toBe('NOT_FOUND');
    const lastLeaf = hashLeaf(b64((await log.getEntries(size - 1, size - 1)).entries[0]?.leaf_input as string));
    expect(await code(log.getProofByHash(encoding.toBase64(lastLeaf), String(size - 1)))).toBe('NOT_FOUND');
    expect(await code(log.getProofByHash(encoding.toBase64(lastLeaf), beyond))).toBe('NOT_FOUND');
  });

  it(`caps get-entries at ${MAX_GET_ENTRIES} entries`, async () => {
    const { entries } = await log.getEntries(0, 10_000);
    expect(entries.length).toBeLessThanOrEqual(MAX_GET_ENTRIES);
    expect(entries.length).toBe((await log.getSth()).tree_size);
  });
});
