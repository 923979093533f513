import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { STATEMENT, dsseEnvelope, dsseProposedEntry, keyPem, testKey } from '@sigbox/testkit';
import { MAX_INDEX_KEYS, canonicalizeSearchEntry, parseProposedEntry } from './index.js';

const error = async (f: () => Promise<unknown>) => {
  try {
    await f();
  } catch (err) {
    return err as { message: string; status: number; bodyCode: number; code: string };
  }
  throw new Error('expected a rejection');
};

describe('ProposedEntry binding (go-swagger) and kind dispatch', () => {
  it.each([
    [{ kind: 'foo', apiVersion: '0.0.1', spec: {} }, 422, 422, 'invalid kind value: "foo"'],
    [{ apiVersion: '0.0.1', spec: {} }, 422, 602, 'kind in body is required'],
    [{ kind: 'hashedrekord', spec: {} }, 422, 602, 'apiVersion in body is required'],
    [{ kind: 'hashedrekord', apiVersion: '0.0.1' }, 422, 602, 'spec in body is required'],
    [{ kind: 'hashedrekord', apiVersion: '1', spec: {} }, 422, 605, expect.stringMatching(/^apiVersion in body should match '\^\(0\|/)],
    [[], 400, 400, 'json: cannot unmarshal array into Go value of type models.targetedProposedEntry'],
    [{ kind: 1, apiVersion: '0.0.1', spec: {} }, 400, 400, 'json: cannot unmarshal number into Go struct field targetedProposedEntry.kind of type string'],
  ])('binding %j → %i', async (entry, status, bodyCode, message) => {
    expect(await error(() => parseProposedEntry(entry))).toMatchObject({ status, bodyCode, message });
  });

  it.each([
    [{ kind: 'hashedrekord', apiVersion: '0.0.2', spec: {} }, "hashedrekord implementation for version '0.0.2' not found: unable to locate entry for version 0.0.2"],
    [{ kind: 'rekord', apiVersion: '0.0.1', spec: {} }, "entry kind 'rekord' is not enabled for submission on this server"],
    [{ kind: 'intoto', apiVersion: '0.0.1', spec: {} }, "entry kind 'intoto' does not support inserting entries of version '0.0.1'"],
  ])('unsupported kinds and versions are 400 `error processing entry: …`', async (entry, detail) => {
    expect(await error(() => parseProposedEntry(entry))).toMatchObject({ code: 'INVALID_ENTRY', status: 400, message: `error processing entry: ${detail}` });
  });

  it('search answers the bare detail', async () => {
    expect(await error(() => canonicalizeSearchEntry({ kind: 'dsse', apiVersion: '0.0.1', spec: {} }))).toMatchObject({
      status: 400,
      message: 'either proposedContent or envelopeHash, payloadHash, and signatures must be present',
    });
  });
});

describe('search-index keys of an entry', () => {
  it(`are at most ${MAX_INDEX_KEYS}, the entry's own hashes and key before an in-toto statement's digests`, async () => {
    const key = testKey('ecdsa-p256');
    const digest = (i: number) => i.toString(16).padStart(64, '0');
    const subject = Array.from({ length: 1_000 }, (_, i) => ({ name: `file-${i}`, digest: { sha256: digest(i) } }));
    const payload = encoding.utf8(JSON.stringify({ ...STATEMENT, subject }));
    const envelope = JSON.stringify(dsseEnvelope('application/vnd.in-toto+json', payload, [key]));
    const entry = await parseProposedEntry(dsseProposedEntry(envelope, [keyPem(key.publicKey)]));
    const hex = (data: string | Uint8Array) => crypto.hash('sha256', data, 'hex');
    expect(entry.indexKeys).toHaveLength(MAX_INDEX_KEYS);
    expect(entry.indexKeys.slice(0, 4)).toEqual([`sha256:${hex(payload)}`, `sha256:${hex(envelope)}`, `sha256:${hex(keyPem(key.publicKey))}`, `sha256:${digest(0)}`]);
    expect(entry.indexKeys.at(-1)).toBe(`sha256:${digest(MAX_INDEX_KEYS - 4)}`);
  });
});
