// A process that did not create the entries (another worker, a restart) reads them from the database, a
// bundle at a time: the answers must be the ones the creating process gives, SETs aside (ECDSA signatures are
// randomised), and every SET must verify.
import { createKeySigner, encoding, generatePrivateKey } from '@sigbox/core';
import { createTestDatabase, type TestDatabase, hashedrekord, keyPem, signArtifact, testKey } from '@sigbox/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEntryTimestamp } from './entry-timestamp.js';
import type { LogEntryAnon } from './log-entry.js';
import { type OpenedRekorLog, openRekorLog } from './__fixtures__/rekor-log.js';

/** Two bundles and a partial third. */
const ENTRIES = 600;
const key = testKey('ecdsa-p256');
const privateKey = generatePrivateKey('ecdsa-p256');
const signer = createKeySigner(privateKey);

function entry(i: number) {
  const artifact = encoding.utf8(`read-ahead artifact ${i}\n`);
  return hashedrekord(signArtifact(key, artifact, 'sha256'), keyPem(key.publicKey), 'sha256', artifact);
}

function withoutSet(text: string): Record<string, LogEntryAnon> {
  const map = JSON.parse(text) as Record<string, LogEntryAnon>;
  for (const value of Object.values(map)) value.verification.signedEntryTimestamp = '';
  return map;
}

describe('reading entries another process created', () => {
  let db: TestDatabase;
  let writer: OpenedRekorLog;
  let reader: OpenedRekorLog;

  beforeAll(async () => {
    db = await createTestDatabase({ engine: 'pglite' });
    writer = await openRekorLog(db, { privateKey, hostname: 'rekor.test' });
    for (let i = 0; i < ENTRIES; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => writer.log.createEntry(entry(i + j))));
    reader = await openRekorLog(db, { privateKey, hostname: 'rekor.test' });
  }, 120_000);
  afterAll(async () => {
    await reader?.tree.close();
    await writer?.tree.close();
    await db?.close();
  });

  it('answers every index as the writer does, in random order, with a SET that verifies', async () => {
    const order = Array.from({ length: ENTRIES }, (_, i) => i).sort(() => Math.random() - 0.5);
    for (const i of order) {
      const [mine, theirs] = (await Promise.all([reader.log.getEntryTextByIndex(BigInt(i)), writer.log.getEntryTextByIndex(BigInt(i))])).map((b) => Buffer.from(b as Uint8Array).toString('utf8'));
      expect(withoutSet(mine as string)).toEqual(withoutSet(theirs as string));
      const [value] = Object.values(JSON.parse(mine as string) as Record<string, LogEntryAnon>);
      const fields = { body: value?.body as string, integratedTime: value?.integratedTime as number, logID: value?.logID as string, logIndex: BigInt(i) };
      expect(verifyEntryTimestamp(fields, encoding.fromBase64(value?.verification.signedEntryTimestamp as string), signer.publicKey)).toBe(true);
    }
    expect(await reader.log.getEntryTextByIndex(BigInt(ENTRIES))).toBeUndefined();
  }, 120_000);
});
