import { describe, expect, it } from 'vitest';
import { canonicalizeSearchEntry, parseProposedEntry } from './index.js';

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
