// A cost budget per request: the real `sigbox up` (embedded PGlite, one process) is sent each Rekor kind's most
// expensive entry within the limits, a few at a time, while /healthz is polled. Every health check must be answered
// promptly (the event loop stayed free) and every entry answered (created, or refused with a 4xx).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SigboxProcess, startSigbox } from '@sigbox/testkit';
import { dsseAtLimits, dsseOfMaxBody, hashedrekordWithLongestChain, repeatedVerifierDsse } from './helpers/worst-entries.js';

/** A health check slower than this means the event loop was held (generous: the machine is small and shared). */
const HEALTHZ_BOUND_MS = 1_000;
const HEALTHZ_EVERY_MS = 25;
/** Copies of each worst case in flight at once. */
const AT_ONCE = 3;
const TEST_TIMEOUT_MS = 120_000;

interface Answer {
  what: string;
  status: number;
}

describe('cost budget of Rekor requests on sigbox up', () => {
  let dataDir: string;
  let sigbox: SigboxProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sigbox-cost-'));
    sigbox = await startSigbox({ dataDir });
  });
  afterAll(async () => {
    await sigbox?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = async (what: string, route: string, body: unknown): Promise<Answer> => {
    const res = await fetch(`${sigbox.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return { what, status: res.status };
  };

  /** Polls /healthz until `done` settles; the slowest answer, and any that was not a 200. */
  async function healthWhile(done: Promise<unknown>): Promise<{ slowestMs: number; checks: number; failures: number[] }> {
    let finished = false;
    void done.finally(() => (finished = true));
    const seen = { slowestMs: 0, checks: 0, failures: [] as number[] };
    while (!finished) {
      const started = performance.now();
      const res = await fetch(`${sigbox.url}/healthz`);
      await res.arrayBuffer();
      seen.slowestMs = Math.max(seen.slowestMs, performance.now() - started);
      seen.checks += 1;
      if (res.status !== 200) seen.failures.push(res.status);
      await new Promise((r) => setTimeout(r, HEALTHZ_EVERY_MS));
    }
    return seen;
  }

  it(
    'keeps /healthz answered while each kind’s worst case is processed',
    async () => {
      // Built before the clock starts: signing is the client's cost, not the server's.
      const atLimits = Array.from({ length: AT_ONCE }, dsseAtLimits);
      const maxBody = Array.from({ length: AT_ONCE }, dsseOfMaxBody);
      const chains = await Promise.all(Array.from({ length: AT_ONCE }, hashedrekordWithLongestChain));
      const finding = repeatedVerifierDsse();
      const rounds: Array<() => Promise<Answer>[]> = [
        () => [post('the finding’s dsse (300 signatures × the same key)', '/api/v1/log/entries', finding)],
        () => atLimits.map((e) => post('dsse at the limits', '/api/v1/log/entries', e.dsse)),
        () => atLimits.map((e) => post('intoto at the limits', '/api/v1/log/entries', e.intoto)),
        () => maxBody.map((e) => post('dsse of the largest body', '/api/v1/log/entries', e)),
        () => chains.map((e) => post('hashedrekord with a 10-certificate chain', '/api/v1/log/entries', e)),
        // Search verifies proposed entries too: as many worst cases as one body carries.
        () => [post('search of dsse entries at the limits', '/api/v1/log/entries/retrieve', { entries: atLimits.map((e) => e.dsse) })],
        () => [post('index search with every key, and', '/api/v1/index/retrieve', { hash: `sha256:${'a'.repeat(64)}`, email: 'a@example.com', subject: 'a@example.com', operator: 'and' })],
      ];
      const answers: Answer[] = [];
      const load = (async () => {
        for (const round of rounds) answers.push(...(await Promise.all(round())));
      })();
      const health = await healthWhile(load);
      await load;

      for (const answer of answers) expect(answer.status, answer.what).toBeLessThan(500);
      expect(answers.filter((a) => a.status === 201).map((a) => a.what)).toEqual(
        expect.arrayContaining(['dsse at the limits', 'intoto at the limits', 'dsse of the largest body', 'hashedrekord with a 10-certificate chain']),
      );
      expect(health.failures).toEqual([]);
      expect(health.checks).toBeGreaterThan(rounds.length);
      expect(health.slowestMs, `the slowest of ${health.checks} health checks`).toBeLessThan(HEALTHZ_BOUND_MS);
    },
    TEST_TIMEOUT_MS,
  );
});
