import { createEphemeralSigner, encoding } from '@sigbox/core';
import {
  createMemoryTileStore,
  createNoteSigner,
  createNoteVerifier,
  consistencyProof,
  formatVerifierKey,
  hashLeaf,
  integrate,
  openCheckpoint,
  parseCosignatureVerifierKey,
  parseSignedNote,
  signCheckpoint,
} from '@sigbox/merkle';
import { type Litewitness, litewitnessTools, startLitewitness } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCosignatures } from './cosigned-note.js';
import { formatAddCheckpointRequest, readAddCheckpointResponse } from './add-checkpoint.js';
import { postAddCheckpoint } from './witness-client.js';

// The add-checkpoint exchange against the real witness: what litewitness (torchwood v0.6.1) answers, read by our code.
const tools = litewitnessTools();

describe.skipIf(tools === undefined)('add-checkpoint with litewitness', () => {
  const origin = 'sigbox.test/witnessed-log';
  const logKey = createEphemeralSigner('ed25519');
  const signer = createNoteSigner(origin, logKey);
  const store = createMemoryTileStore();
  const roots: Uint8Array[] = [new Uint8Array(32)];
  let witness: Litewitness;

  beforeAll(async () => {
    // A tree of 20 leaves built in memory, its root at every size kept.
    let size = 0n;
    for (let i = 0; i < 20; i++) {
      const result = integrate(size, [hashLeaf(encoding.utf8(`leaf ${i}`))], store.readTile);
      store.writeTiles(result.tiles);
      size = result.size;
      roots.push(result.root);
    }
    witness = await startLitewitness(tools!);
    await witness.addLog(origin, formatVerifierKey(origin, logKey.publicKey));
  });
  afterAll(() => witness?.close());

  const checkpointAt = (size: number, key = signer) => signCheckpoint({ origin, size: BigInt(size), rootHash: roots[size]! }, [key]);
  const proof = (from: number, to: number) => (from === 0 ? [] : consistencyProof(BigInt(from), BigInt(to), store.readTile));
  const send = async (old: number, checkpoint: string, hashes: Uint8Array[]) =>
    postAddCheckpoint(witness.url, formatAddCheckpointRequest(BigInt(old), hashes, checkpoint));

  it('cosigns from old 0, then each consistent step; the cosignature verifies with the printed vkey beside the log key', async () => {
    const key = parseCosignatureVerifierKey(witness.vkey);
    expect(key.name).toBe(witness.name);
    for (const [old, size] of [[0, 5], [5, 12], [12, 12], [12, 20]] as const) {
      const checkpoint = await checkpointAt(size);
      const text = parseSignedNote(checkpoint).text;
      const outcome = readAddCheckpointResponse(await send(old, checkpoint, proof(old, size)), key, text, BigInt(size));
      expect(outcome.kind).toBe('cosigned');
      if (outcome.kind !== 'cosigned') continue;
      const cosigned = addCosignatures(checkpoint, outcome.signatures);
      expect(openCheckpoint(cosigned, [createNoteVerifier(origin, logKey.publicKey), key]).verifiedBy).toHaveLength(2);
    }
  });

  it('answers 409 text/x.tlog.size with its size to a stale old size', async () => {
    const checkpoint = await checkpointAt(20);
    const answer = await send(5, checkpoint, proof(5, 20));
    expect(answer).toMatchObject({ status: 409, contentType: 'text/x.tlog.size', body: '20\n' });
    expect(readAddCheckpointResponse(answer, parseCosignatureVerifierKey(witness.vkey), parseSignedNote(checkpoint).text, 20n)).toEqual({ kind: 'conflict', size: 20n });
  });

  it('refuses a tampered proof (422), another log key (403), an unknown origin (403 in litewitness) and old > size (400)', async () => {
    const key = parseCosignatureVerifierKey(witness.vkey);
    // The witness is at 20: a checkpoint of size 20 with another root is a fork, whatever the log key says.
    const forkRoot = new Uint8Array(roots[20]!);
    forkRoot[0] = forkRoot[0]! ^ 1;
    const fork = await signCheckpoint({ origin, size: 20n, rootHash: forkRoot }, [signer]);
    const status = async (answer: Promise<{ status: number; contentType: string | undefined; body: string }>, text: string, size: bigint) => {
      try {
        readAddCheckpointResponse(await answer, key, text, size);
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'accepted';
    };
    expect(await status(send(20, fork, []), parseSignedNote(fork).text, 20n)).toBe('INCONSISTENT');
    const other = createNoteSigner(origin, createEphemeralSigner('ed25519'));
    const foreign = await checkpointAt(20, other);
    expect(await status(send(20, foreign, []), parseSignedNote(foreign).text, 20n)).toBe('SIGNATURE_REFUSED');
    const stranger = await signCheckpoint({ origin: 'sigbox.test/unknown', size: 1n, rootHash: roots[1]! }, [createNoteSigner('sigbox.test/unknown', logKey)]);
    expect(await status(send(0, stranger, []), parseSignedNote(stranger).text, 1n)).toBe('SIGNATURE_REFUSED');
    const small = await checkpointAt(12);
    expect(await status(send(20, small, []), parseSignedNote(small).text, 12n)).toBe('BAD_REQUEST');
  });
});
