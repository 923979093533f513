// Shared fixtures of the Rekor v2 HTTP suites: the v2 log on a test database behind the real app, and a check of a
// TransparencyLogEntry answer the way sigstore-go does (checkpoint note by the origin's vkey, inclusion of the
// leaf against the checkpoint's own size and root).
import crypto from 'node:crypto';
import type { RequestListener } from 'node:http';
import { pino } from 'pino';
import { expect } from 'vitest';
import { encoding, generatePrivateKey } from '@sigbox/core';
import type { Engine } from '@sigbox/db';
import { type LogTree, type TreeEngineOptions, openLogTree } from '@sigbox/log';
import { type VerifiedCheckpoint, formatVerifierKey, hashLeaf, openCheckpoint, parseVerifierKey, verifyInclusion } from '@sigbox/merkle';
import { type CheckpointWitnessing, type RekorV2Log, type TransparencyLogEntryJson, createRekorV2Log, rekorV2TreeDescription } from '@sigbox/rekor';
import { createApp, createRekorV2Api } from '@sigbox/server';
import { type TestDatabase, createTestDatabase } from '@sigbox/testkit';

/** The box's hostname: the v2 origin and the note key name. */
export const V2_ORIGIN = 'log2026-1.rekor.test';

export interface RekorV2Harness {
  readonly app: RequestListener;
  readonly log: RekorV2Log;
  readonly tree: LogTree;
  /** The log's note verifier key (`<origin>+<hex id>+<base64 key>`), as witnesses and sigstore-go take it. */
  readonly vkey: string;
  /** The Ed25519 checkpoint key's public half (what trusted_root.json lists). */
  readonly publicKey: crypto.KeyObject;
  close(): Promise<void>;
}

/** A fresh database, the v2 tree with an ephemeral Ed25519 key, and the app serving it (never listening). */
export async function startRekorV2(engine: Engine, options: { engine?: TreeEngineOptions; witnessing?: CheckpointWitnessing } = {}): Promise<RekorV2Harness> {
  const database: TestDatabase = await createTestDatabase({ engine });
  const privateKey = generatePrivateKey('ed25519');
  const tree = await openLogTree(database, { ...rekorV2TreeDescription({ origin: V2_ORIGIN, key: { privateKey } }), ...options.engine });
  const log = createRekorV2Log({ tree, key: { privateKey }, witnessing: options.witnessing });
  const app = createApp({ logger: pino({ enabled: false }), apis: [createRekorV2Api(log)] });
  return {
    app,
    log,
    tree,
    vkey: formatVerifierKey(V2_ORIGIN, crypto.createPublicKey(privateKey)),
    publicKey: crypto.createPublicKey(privateKey),
    async close() {
      await tree.close();
      await database.close();
    },
  };
}

/** Opens a checkpoint note with the vkey only, as a client configured with the trusted root would. */
export function openV2Checkpoint(vkey: string, note: string): VerifiedCheckpoint {
  const checkpoint = openCheckpoint(note, [parseVerifierKey(vkey)]);
  expect(checkpoint.origin).toBe(V2_ORIGIN);
  return checkpoint;
}

/** Checks an answer as sigstore-go does and returns its leaf and leaf hash. */
export function verifyTransparencyLogEntry(vkey: string, tle: TransparencyLogEntryJson): { leaf: Uint8Array; leafHash: Uint8Array; checkpoint: VerifiedCheckpoint } {
  expect(tle.integratedTime).toBe('0');
  expect(tle.inclusionPromise).toBeNull();
  expect(tle.inclusionProof.logIndex).toBe(tle.logIndex);
  const checkpoint = openV2Checkpoint(vkey, tle.inclusionProof.checkpoint.envelope);
  expect(tle.inclusionProof.treeSize).toBe(checkpoint.size.toString());
  expect(tle.inclusionProof.rootHash).toBe(encoding.toBase64(checkpoint.rootHash));
  const leaf = encoding.fromBase64(tle.canonicalizedBody);
  const leafHash = hashLeaf(leaf);
  verifyInclusion(BigInt(tle.logIndex), checkpoint.size, leafHash, tle.inclusionProof.hashes.map((h) => encoding.fromBase64(h)), checkpoint.rootHash);
  return { leaf, leafHash, checkpoint };
}
