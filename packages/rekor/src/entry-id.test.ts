import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { entryId, entryUuid, logIdHex, parseEntryRef } from './index.js';

// A sample tree ID (1193050959916656506 = 0x108e9186e8c5677a) and UUID (a leaf hash): an EntryID is the tree ID as
// 16 hex digits, then the 64-hex UUID (rekor pkg/sharding/sharding.go at v1.5.4).
const UUID = '7e18defd1fee67663a17ba244d80800870c06a2d5874a39879db848fbacb50a5';
const ENTRY_ID = `108e9186e8c5677a${UUID}`;

describe('entry identifiers', () => {
  it('builds the UUID and the 80-hex EntryID', () => {
    expect(entryUuid(encoding.fromHex(UUID))).toBe(UUID);
    expect(entryId(1193050959916656506n, encoding.fromHex(UUID))).toBe(ENTRY_ID);
    expect(entryId(1n, encoding.fromHex(UUID))).toBe(`0000000000000001${UUID}`);
    expect(() => entryId(0n, encoding.fromHex(UUID))).toThrow(RangeError);
  });

  it('parses 64- and 80-hex references', () => {
    expect(parseEntryRef(UUID.toUpperCase())).toEqual({ uuid: UUID });
    expect(parseEntryRef(ENTRY_ID)).toEqual({ treeId: 1193050959916656506n, uuid: UUID });
  });

  it.each([
    ['abc', 422, "entryUUID in path should match '^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$'"],
    [`${'0'.repeat(16)}${UUID}`, 400, 'validation error: 0 is not a valid TreeID'],
    [`ffffffffffffffff${UUID}`, 400, 'validation error: ffffffffffffffff is not a valid TreeID'],
  ])('rejects %s', (ref, status, message) => {
    expect(() => parseEntryRef(ref)).toThrow(expect.objectContaining({ status, message }));
  });

  it('derives the log ID from the SPKI DER', () => {
    const key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(logIdHex(key)).toBe(crypto.hash('sha256', key.export({ format: 'der', type: 'spki' }), 'hex'));
  });
});
