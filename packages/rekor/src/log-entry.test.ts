import { describe, expect, it } from 'vitest';
import { encoding } from '@sigbox/core';
import { logEntryJson } from './index.js';

describe('logEntryJson', () => {
  it('builds the single-key v1 LogEntry map with numbers, hex and base64', () => {
    const json = logEntryJson({
      entryId: 'e'.repeat(80),
      body: encoding.utf8('{"a":1}'),
      integratedTime: 1700000000n,
      logId: 'ab'.repeat(32),
      logIndex: 7n,
      inclusionProof: { logIndex: 3n, treeSize: 4n, rootHash: new Uint8Array(32).fill(1), hashes: [new Uint8Array(32).fill(2)], checkpoint: 'cp\n' },
      signedEntryTimestamp: new Uint8Array([0x30, 0x01]),
    });
    expect(JSON.stringify(json)).toBe(
      `{"${'e'.repeat(80)}":{"body":"eyJhIjoxfQ==","integratedTime":1700000000,"logID":"${'ab'.repeat(32)}","logIndex":7,` +
        `"verification":{"inclusionProof":{"checkpoint":"cp\\n","hashes":["${'02'.repeat(32)}"],"logIndex":3,"rootHash":"${'01'.repeat(32)}","treeSize":4},"signedEntryTimestamp":"MAE="}}}`,
    );
  });
});
