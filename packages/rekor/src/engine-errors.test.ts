// The engine's errors as a Rekor client meets them: each code mapped to a RekorError with upstream's status and
// text, and a real log on a real tree refusing entries through the same mapping.
import { encoding, generatePrivateKey } from '@sigbox/core';
import { LogError, type LogErrorCode } from '@sigbox/log';
import { createTestDatabase, databaseEngines, type TestDatabase, hashedrekord, keyPem, signArtifact, testKey } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedRekorLog, openRekorLog } from './__fixtures__/rekor-log.js';
import { rekorErrorOf } from './engine-errors.js';
import { RekorError } from './errors.js';

/**
 * Every engine code and what a client is told (the Record type fails to compile when the engine adds a code, which
 * the mapping would otherwise answer as an internal failure).
 */
const ANSWERS: Record<LogErrorCode, { code: string; status: number; message: string | undefined }> = {
  PUSHBACK: { code: 'UNAVAILABLE', status: 503, message: 'the log is busy; retry later' },
  CLOSED: { code: 'UNAVAILABLE', status: 503, message: 'the log is shutting down' },
  UNAVAILABLE: { code: 'UNAVAILABLE', status: 503, message: 'the log is unavailable; retry later' },
  ENTRY_TOO_LARGE: { code: 'ENTRY_TOO_LARGE', status: 413, message: 'entry too large' },
  // The engine's own text, as Rekor answered it before the mapping moved into the personality.
  INDEX_OUT_OF_RANGE: { code: 'INVALID_REQUEST', status: 400, message: undefined },
  SIZE_OUT_OF_RANGE: { code: 'INVALID_REQUEST', status: 400, message: undefined },
  TREE_FROZEN: { code: 'UNAVAILABLE', status: 503, message: 'the log is moving to a new shard; retry later' },
  TREE_CONFLICT: { code: 'INTERNAL', status: 500, message: 'Internal Server Error' },
  CORRUPT_STATE: { code: 'INTERNAL', status: 500, message: 'Internal Server Error' },
  PROOF_SELF_CHECK_FAILED: { code: 'INTERNAL', status: 500, message: 'Internal Server Error' },
};

describe('engine errors mapped by the Rekor personality', () => {
  it.each(Object.entries(ANSWERS))('%s', (engineCode, answer) => {
    const cause = new LogError(engineCode as LogErrorCode, `the engine's words for ${engineCode}`);
    const mapped = rekorErrorOf(cause);
    expect(mapped).toBeInstanceOf(RekorError);
    expect(mapped).toMatchObject({ code: answer.code, status: answer.status, bodyCode: answer.status, message: answer.message ?? cause.message });
    // What the client is not told stays with the error, for the server's log.
    expect(mapped.cause).toBe(cause);
  });
});

const key = testKey('ecdsa-p256');
let counter = 0;
function entry() {
  const artifact = encoding.utf8(`engine errors artifact ${++counter} ${Math.random()}\n`);
  return hashedrekord(signArtifact(key, artifact, 'sha256'), keyPem(key.publicKey), 'sha256', artifact);
}

/** Rejections of `work`, each checked to be a RekorError (never the engine's own error). */
async function refusals(work: Array<Promise<unknown>>): Promise<RekorError[]> {
  const outcomes = await Promise.allSettled(work);
  const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  for (const reason of reasons) expect(reason).toBeInstanceOf(RekorError);
  return reasons as RekorError[];
}

describe.each(databaseEngines())('a Rekor log refusing entries on %s', (engine) => {
  const privateKey = generatePrivateKey('ecdsa-p256');
  let db: TestDatabase;
  const opened: OpenedRekorLog[] = [];
  // Each test opens its own handle on the one Rekor tree, with the engine settings it needs.
  const open = async (engineOptions: Parameters<typeof openRekorLog>[1]['engine']) => {
    const rekor = await openRekorLog(db, { privateKey, hostname: 'rekor.test', engine: engineOptions });
    opened.push(rekor);
    return rekor;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ engine });
  });
  afterAll(async () => {
    for (const rekor of opened) await rekor.tree.close();
    await db?.close();
  });

  it('answers a full queue with UNAVAILABLE (503), and logs what it accepted', async () => {
    // A slow linger keeps entries queued, so the third of a burst finds the queue full.
    const { log, tree } = await open({ maxPending: 2, batchMaxAgeMs: 200, batchQuietMs: 0 });
    const before = (await tree.latest()).size;
    const creates = Array.from({ length: 10 }, () => log.createEntry(entry()));
    const refused = await refusals(creates);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 503, message: 'the log is busy; retry later' });
      expect(error.cause).toMatchObject({ name: 'LogError', code: 'PUSHBACK' });
    }
    expect((await tree.latest()).size).toBe(before + BigInt(10 - refused.length));
  });

  it('answers once its tree is closed with UNAVAILABLE (503): the log is shutting down', async () => {
    const { log, tree } = await open({});
    await tree.close();
    const [refused] = await refusals([log.createEntry(entry())]);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', status: 503, message: 'the log is shutting down' });
  });

  it('answers an entry beyond the engine’s size bound with ENTRY_TOO_LARGE (413), logging nothing', async () => {
    const { log, tree } = await open({ maxEntrySize: 64 });
    const before = await tree.latest();
    const [refused] = await refusals([log.createEntry(entry())]);
    expect(refused).toMatchObject({ code: 'ENTRY_TOO_LARGE', status: 413, message: 'entry too large' });
    expect(await tree.latest()).toEqual(before);
  });
});
