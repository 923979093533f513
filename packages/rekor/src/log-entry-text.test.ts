import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { logEntryJson, type LogEntryParts } from './log-entry.js';
import { bodyOfTextParts, checkpointJsonBytes, logEntryText, logEntryTextParts } from './log-entry-text.js';

function randomParts(seed: number): LogEntryParts {
  const hashes = Array.from({ length: seed % 20 }, () => new Uint8Array(crypto.randomBytes(32)));
  return {
    entryId: crypto.randomBytes(40).toString('hex'),
    body: new Uint8Array(crypto.randomBytes(1 + (seed * 37) % 900)),
    integratedTime: 1_700_000_000 + seed,
    logId: crypto.randomBytes(32).toString('hex'),
    logIndex: BigInt(seed * 1_000_003),
    inclusionProof: {
      logIndex: BigInt(seed * 7),
      treeSize: BigInt(seed * 7 + 1 + seed),
      rootHash: new Uint8Array(crypto.randomBytes(32)),
      hashes,
      // Checkpoints end in newlines and carry an em dash in the signature line: both need JSON escaping.
      checkpoint: `rekor.test - ${seed}\n${seed * 7 + 1}\nroot\n\n— rekor.test sig"${seed}\\\n`,
    },
    signedEntryTimestamp: new Uint8Array(crypto.randomBytes(70 + (seed % 3))),
    ...(seed % 4 === 0 ? { attestation: new Uint8Array(crypto.randomBytes(50)) } : {}),
  };
}

describe('logEntryText', () => {
  it('is byte for byte JSON.stringify(logEntryJson(...)) for many shapes (with and without hashes, attestation)', () => {
    for (let seed = 0; seed < 200; seed++) {
      const parts = randomParts(seed);
      const bytes = logEntryText(logEntryTextParts(parts), parts.inclusionProof, checkpointJsonBytes(parts.inclusionProof.checkpoint));
      expect(Buffer.from(bytes).equals(Buffer.from(JSON.stringify(logEntryJson(parts)), 'utf8'))).toBe(true);
    }
  });

  it('gives back the body its head carries, for bodies of every length and content', () => {
    for (let seed = 0; seed < 200; seed++) {
      const parts = randomParts(seed);
      expect(Buffer.from(bodyOfTextParts(logEntryTextParts(parts))).equals(Buffer.from(parts.body))).toBe(true);
    }
  });

  it('refuses integers a JSON number cannot carry exactly, as logEntryJson does', () => {
    const parts = randomParts(3);
    const fixed = logEntryTextParts(parts);
    expect(() => logEntryText(fixed, { ...parts.inclusionProof, treeSize: 2n ** 60n }, checkpointJsonBytes(''))).toThrow(/below 2\^53/);
    expect(() => logEntryTextParts({ ...parts, logIndex: 2n ** 60n })).toThrow(/below 2\^53/);
  });
});
