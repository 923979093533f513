// The v2 personality on the real engine (PGlite, and Postgres when TEST_DATABASE_URL is set): answers carry a
// proof that verifies against the checkpoint they carry, whose signature verifies with the log's vkey; duplicates
// name the first index; bad requests store nothing; witnessed checkpoints are used when they fit and ignored when not.
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encoding, generatePrivateKey } from '@sigbox/core';
import { type LogTree, openLogTree } from '@sigbox/log';
import { createNoteVerifier, hashLeaf, openCheckpoint, parseSignedNote, formatSignedNote, verifyInclusion } from '@sigbox/merkle';
import { type TestDatabase, createTestDatabase, databaseEngines, hashedRekordV2Request, testKey } from '@sigbox/testkit';
import { mutate, mutationArbitrary } from '../__fixtures__/json-mutation.js';
import { type CheckpointWitnessing, RekorV2Error, createRekorV2Log, rekorV2LogId, rekorV2TreeDescription } from '../index.js';

const ORIGIN = 'log2026-1.rekor.test';
const signer = testKey('ecdsa-p256');
const request = (text: string) => hashedRekordV2Request(signer, encoding.utf8(text));

async function rejection(promise: Promise<unknown>): Promise<RekorV2Error> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RekorV2Error);
  return error as RekorV2Error;
}

describe.each(databaseEngines())('the Rekor v2 log on %s', (engine) => {
  let db: TestDatabase;
  let tree: LogTree;
  const privateKey = generatePrivateKey('ed25519');
  const verifier = createNoteVerifier(ORIGIN, crypto.createPublicKey(privateKey));

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
    tree = await openLogTree(db, rekorV2TreeDescription({ origin: ORIGIN, key: { privateKey } }));
  });
  afterAll(async () => {
    await tree.close();
    await db.close();
  });

  it('answers a TransparencyLogEntry whose proof verifies against its checkpoint, signed under the origin', async () => {
    const log = createRekorV2Log({ tree, key: { privateKey } });
    expect(tree.origin).toBe(ORIGIN);
    const tle = await log.createEntry(request('first'));
    expect(tle).toMatchObject({ logId: { keyId: encoding.toBase64(rekorV2LogId(ORIGIN, { privateKey })) }, kindVersion: { kind: 'hashedrekord', version: '0.0.2' }, integratedTime: '0', inclusionPromise: null });
    expect(encoding.fromBase64(tle.logId.keyId)).toHaveLength(32);
    const checkpoint = openCheckpoint(tle.inclusionProof.checkpoint.envelope, [verifier]);
    expect(checkpoint.origin).toBe(ORIGIN);
    expect(checkpoint.size.toString()).toBe(tle.inclusionProof.treeSize);
    const leaf = encoding.fromBase64(tle.canonicalizedBody);
    verifyInclusion(BigInt(tle.logIndex), checkpoint.size, hashLeaf(leaf), tle.inclusionProof.hashes.map(encoding.fromBase64), checkpoint.rootHash);
    expect(encoding.toBase64(checkpoint.rootHash)).toBe(tle.inclusionProof.rootHash);
  });

  it('answers a duplicate with ALREADY_EXISTS naming the first index', async () => {
    const log = createRekorV2Log({ tree, key: { privateKey } });
    // The same request: ECDSA signatures are randomized, so signing again would make a new entry.
    const body = request('dup');
    const first = await log.createEntry(body);
    const error = await rejection(log.createEntry(structuredClone(body)));
    expect(error.code).toBe('ALREADY_EXISTS');
    expect(error.details?.logIndex).toBe(BigInt(first.logIndex));
    expect(error.message).toBe(`an equivalent entry already exists in the transparency log with index ${first.logIndex}`);
  });

  it('stores nothing for a refused request (fuzzed mutations of a real one)', async () => {
    const log = createRekorV2Log({ tree, key: { privateKey } });
    const base = request('fuzz base');
    await log.createEntry(base);
    const before = (await tree.latest()).size;
    let accepted = 0n;
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), async (mutations) => {
        try {
          await log.createEntry(mutate(base, mutations));
          accepted += 1n; // a mutation that kept the request valid and new (e.g. a changed keyid-free field)
        } catch (error) {
          if (!(error instanceof RekorV2Error)) throw error;
          expect(['INVALID_ARGUMENT', 'ALREADY_EXISTS']).toContain(error.code);
        }
      }),
      { numRuns: 60 },
    );
    expect((await tree.latest()).size).toBe(before + accepted);
  });

  describe('with witnessing', () => {
    const cosign = (note: string) => {
      // A stand-in cosignature line: verifiers ignore unknown keys, so the note still opens with the log's key.
      const parsed = parseSignedNote(note);
      return formatSignedNote({ text: parsed.text, signatures: [...parsed.signatures, { name: 'witness.test', keyHint: Uint8Array.of(1, 2, 3, 4), signature: new Uint8Array(72) }] });
    };

    it('answers the cosigned note and proves inclusion at its size', async () => {
      const asked: bigint[] = [];
      const witnessing: CheckpointWitnessing = {
        async cosigned(size) {
          asked.push(size);
          return cosign((await tree.latest()).checkpoint);
        },
        latest: async () => cosign((await tree.latest()).checkpoint),
      };
      const log = createRekorV2Log({ tree, key: { privateKey }, witnessing });
      const tle = await log.createEntry(request('witnessed'));
      expect(asked).toEqual([BigInt(tle.logIndex) + 1n]);
      expect(tle.inclusionProof.checkpoint.envelope).toContain('— witness.test ');
      const checkpoint = openCheckpoint(tle.inclusionProof.checkpoint.envelope, [verifier]);
      verifyInclusion(BigInt(tle.logIndex), checkpoint.size, hashLeaf(encoding.fromBase64(tle.canonicalizedBody)), tle.inclusionProof.hashes.map(encoding.fromBase64), checkpoint.rootHash);
      expect(await log.checkpoint()).toContain('— witness.test ');
    });

    it('proves at an older checkpointed size when the cosigned note is older than the newest', async () => {
      const plain = createRekorV2Log({ tree, key: { privateKey } });
      const first = await plain.createEntry(request('older size'));
      const olderNote = cosign(first.inclusionProof.checkpoint.envelope);
      await plain.createEntry(request('newer entry'));
      const witnessing: CheckpointWitnessing = { cosigned: async () => olderNote, latest: async () => olderNote };
      const log = createRekorV2Log({ tree, key: { privateKey }, witnessing });
      // An entry already in the tree at the older size: re-reading it goes through createEntry only as a duplicate,
      // so prove a fresh entry against a note that does not cover it — that falls back to the log's own.
      const failures: unknown[] = [];
      const fresh = await createRekorV2Log({ tree, key: { privateKey }, witnessing, onWitnessingFailed: (e) => failures.push(e) }).createEntry(request('not covered'));
      expect(fresh.inclusionProof.checkpoint.envelope).not.toContain('witness.test');
      expect(failures).toHaveLength(1);
      // The checkpoint endpoint serves the cosigned note only while it is of the newest size.
      expect(await log.checkpoint()).toBe((await tree.latest()).checkpoint);
      // The engine proves at any checkpointed size from the tiles it keeps.
      const olderSize = BigInt(first.inclusionProof.treeSize);
      const proof = await tree.inclusionProof(BigInt(first.logIndex), olderSize);
      verifyInclusion(BigInt(first.logIndex), olderSize, hashLeaf(encoding.fromBase64(first.canonicalizedBody)), proof, encoding.fromBase64(first.inclusionProof.rootHash));
    });

    it('ignores a note whose root is not the tree’s (fail-open) and a witnessing that throws', async () => {
      const forged = async () => {
        const { checkpoint } = await tree.latest();
        const lines = checkpoint.split('\n');
        lines[2] = encoding.toBase64(new Uint8Array(32));
        return lines.join('\n');
      };
      for (const witnessing of [
        { cosigned: forged, latest: forged },
        { cosigned: () => Promise.reject(new Error('witness down')), latest: () => Promise.reject(new Error('witness down')) },
      ] satisfies CheckpointWitnessing[]) {
        const failures: unknown[] = [];
        const log = createRekorV2Log({ tree, key: { privateKey }, witnessing, onWitnessingFailed: (e) => failures.push(e) });
        const tle = await log.createEntry(request(`fail-open ${failures.length} ${Math.random()}`));
        expect(openCheckpoint(tle.inclusionProof.checkpoint.envelope, [verifier]).size.toString()).toBe(tle.inclusionProof.treeSize);
        expect(await log.checkpoint()).toBe((await tree.latest()).checkpoint);
        expect(failures.length).toBeGreaterThan(0);
      }
    });
  });
});
