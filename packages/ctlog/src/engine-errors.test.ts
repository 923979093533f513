// The engine's errors as a CT client meets them: each code mapped to a CtError with ctfe's status and a
// client-safe text, and a real log on a real tree refusing submissions through the same mapping.
import { generatePrivateKey } from '@sigbox/core';
import { LogError, type LogErrorCode } from '@sigbox/log';
import { createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CtLogHarness, startCtLog } from './__fixtures__/ct-log.js';
import { ctErrorOf } from './engine-errors.js';
import { CT_ERROR_STATUS, CtError } from './errors.js';

/** Every engine code (the Record type fails to compile when the engine adds one) and what a client is told. */
const ANSWERS: Record<LogErrorCode, { code: CtError['code']; message: string }> = {
  PUSHBACK: { code: 'UNAVAILABLE', message: 'log busy; retry later' },
  CLOSED: { code: 'UNAVAILABLE', message: 'log busy; retry later' },
  ENTRY_TOO_LARGE: { code: 'BAD_CHAIN', message: 'certificate too large' },
  INDEX_OUT_OF_RANGE: { code: 'INTERNAL', message: 'Internal Server Error' },
  SIZE_OUT_OF_RANGE: { code: 'INTERNAL', message: 'Internal Server Error' },
  TREE_CONFLICT: { code: 'INTERNAL', message: 'Internal Server Error' },
  CORRUPT_STATE: { code: 'INTERNAL', message: 'Internal Server Error' },
  PROOF_SELF_CHECK_FAILED: { code: 'INTERNAL', message: 'Internal Server Error' },
};

describe('engine errors mapped by the CT personality', () => {
  it.each(Object.entries(ANSWERS))('%s', (engineCode, answer) => {
    const cause = new LogError(engineCode as LogErrorCode, `the engine's words for ${engineCode}`);
    const mapped = ctErrorOf(cause);
    expect(mapped).toBeInstanceOf(CtError);
    expect(mapped).toMatchObject(answer);
    expect(mapped.cause).toBe(cause);
  });

  it('answers the log’s unavailability with a retryable 503 and its own failures with a 500', () => {
    expect(CT_ERROR_STATUS.UNAVAILABLE).toBe(503);
    expect(CT_ERROR_STATUS.INTERNAL).toBe(500);
  });
});

describe.each(databaseEngines())('a CT log refusing submissions on %s', (engine) => {
  const privateKey = generatePrivateKey('ecdsa-p256');
  let ct: CtLogHarness;

  beforeAll(async () => {
    ct = await startCtLog(await createTestDatabase({ engine }), privateKey);
  });
  afterAll(() => ct?.close());

  /** Rejections of `work`, each checked to be a CtError (never the engine's own error). */
  async function refusals(work: Array<Promise<unknown>>): Promise<CtError[]> {
    const outcomes = await Promise.allSettled(work);
    const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    for (const reason of reasons) expect(reason).toBeInstanceOf(CtError);
    return reasons as CtError[];
  }

  const precertChain = async () => [(await ct.ca.draft().precertificate()).der, ct.ca.intermediate.der];

  const expectPushedBack = (refused: CtError[]) => {
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'log busy; retry later' });
      expect(error.cause).toMatchObject({ name: 'LogError', code: 'PUSHBACK' });
    }
  };

  it('answers a full queue with UNAVAILABLE, on add-pre-chain and to the CA alike', async () => {
    // A slow linger keeps submissions queued, so the second of a burst finds the queue full.
    const { log, tree } = await ct.open({ maxPending: 1, batchMaxAgeMs: 200, batchQuietMs: 0 });
    const chains = await Promise.all(Array.from({ length: 6 }, precertChain));
    const before = (await tree.latest()).size;
    const refused = await refusals(chains.map((chain) => log.addPreChain(chain)));
    expectPushedBack(refused);
    await tree.integrate();
    expect((await tree.latest()).size).toBe(before + BigInt(chains.length - refused.length));

    const precerts = await Promise.all(Array.from({ length: 6 }, precertChain));
    expectPushedBack(await refusals(precerts.map(([precert, issuer]) => log.sctIssuer.logPrecertificate(precert as Uint8Array, [issuer as Uint8Array]))));
  });

  it('answers once its tree is closed with UNAVAILABLE', async () => {
    const { log, tree } = await ct.open({});
    await tree.close();
    const [refused] = await refusals([log.addPreChain(await precertChain())]);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', message: 'log busy; retry later' });
    expect(refused?.cause).toMatchObject({ code: 'CLOSED' });
  });

  it('answers a chain beyond the engine’s size bound as BAD_CHAIN, logging nothing', async () => {
    const { log, tree } = await ct.open({ maxEntrySize: 64 });
    const before = await tree.latest();
    const [refused] = await refusals([log.addPreChain(await precertChain())]);
    expect(refused).toMatchObject({ code: 'BAD_CHAIN', message: 'certificate too large' });
    expect(await tree.latest()).toEqual(before);
  });
});
