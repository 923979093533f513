// The engine's errors as a CT client meets them: each code mapped to a CtError with ctfe's status and a
// client-safe text, and a real log on a real tree refusing submissions through the same mapping.
import { generatePrivateKey } from '@sigbox/core';
import { LogError, type LogErrorCode } from '@sigbox/log';
import { createTestDatabase, databaseEngines } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CtLogHarness, startCtLog } from './__fixtures__/ct-log.js';
import { ctErrorOf } from './engine-errors.js';
import { CT_ERROR_STATUS, CtError } from './errors.js';

/** The CT error every engine code becomes (the Record type fails to compile when the engine adds a code). */
const CT_CODE_OF: Record<LogErrorCode, CtError['code']> = {
  PUSHBACK: 'UNAVAILABLE',
  CLOSED: 'UNAVAILABLE',
  UNAVAILABLE: 'UNAVAILABLE',
  ENTRY_TOO_LARGE: 'BAD_CHAIN',
  INDEX_OUT_OF_RANGE: 'INTERNAL',
  SIZE_OUT_OF_RANGE: 'INTERNAL',
  TREE_CONFLICT: 'INTERNAL',
  // CT logs are never frozen (the engine's freeze serves Rekor's shards).
  TREE_FROZEN: 'INTERNAL',
  CORRUPT_STATE: 'INTERNAL',
  PROOF_SELF_CHECK_FAILED: 'INTERNAL',
};
/** What the client reads (the edge adds Go's newline), by CT code, and with what status. */
const ANSWER_OF: Partial<Record<CtError['code'], [number, string]>> = {
  UNAVAILABLE: [503, 'log busy; retry later'],
  BAD_CHAIN: [400, 'certificate too large'],
  INTERNAL: [500, 'Internal Server Error'],
};

describe('engine errors mapped by the CT personality', () => {
  it.each(Object.entries(CT_CODE_OF))('%s becomes %s', (engineCode, ctCode) => {
    const cause = new LogError(engineCode as LogErrorCode, `the engine's words for ${engineCode}`);
    const mapped = ctErrorOf(cause);
    expect(mapped).toBeInstanceOf(CtError);
    expect([mapped.code, CT_ERROR_STATUS[mapped.code], mapped.message]).toEqual([ctCode, ...(ANSWER_OF[ctCode] ?? [])]);
    expect(mapped.cause).toBe(cause);
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
